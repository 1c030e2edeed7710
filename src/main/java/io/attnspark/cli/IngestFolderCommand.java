package io.attnspark.cli;

import io.attnspark.data.ImageFolderReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ingest folder}: a folder with one sub-folder of PNG/JPEG images per class, as one split of a table. */
@Command(
        name = "folder",
        mixinStandardHelpOptions = true,
        description = "Ingest a folder of PNG/JPEG images, one sub-folder per class (classes sorted by name;"
                + " images re-encoded as PNG, gray kept gray, colour as RGB, alpha dropped).")
public final class IngestFolderCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--root", required = true, paramLabel = "DIR", description = "Folder holding one sub-folder per class.")
    Path root;

    @Option(names = "--split", paramLabel = "NAME", description = "Split name of every row (default: ${DEFAULT-VALUE}).")
    String split = "train";

    @Mixin IngestOutput output;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        long start = System.nanoTime();
        IngestOutput.checkSplit(spec, split);
        ImageFolderReader reader = ImageFolderReader.open(root, split);
        return output.write(reader, reader.classNames(), start, spec.commandLine().getOut());
    }
}
