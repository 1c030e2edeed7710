package io.attnspark.cli;

import picocli.CommandLine;

/** Reports the project's version and those of the stack it runs on. */
public final class VersionProvider implements CommandLine.IVersionProvider {

    /** {@inheritDoc} */
    @Override
    public String[] getVersion() {
        String own = Main.class.getPackage().getImplementationVersion();
        return new String[] {
            "attnspark " + (own == null ? "(development build)" : own),
            "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION(),
            "DJL " + ai.djl.engine.Engine.class.getPackage().getImplementationVersion(),
            // Loads libtorch: also how images warm DJL's native cache at build time.
            "PyTorch " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion(),
            "Java " + System.getProperty("java.version")
        };
    }
}
