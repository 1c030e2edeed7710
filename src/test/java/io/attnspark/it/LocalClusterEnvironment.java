package io.attnspark.it;

import java.util.Map;

/** The environment under which the integration tests start the local cluster and submit jobs to it. */
final class LocalClusterEnvironment {

    private LocalClusterEnvironment() {}

    /**
     * Sets the cluster's ports, fake GPUs and the submit options (one GPU and one core per executor),
     * and removes the native environment ({@code NativeEnvironment}) so that the scripts have to set it.
     *
     * @param env a process builder's environment
     * @param masterPort the master's port
     * @param uiPort the master's web UI port
     */
    static void apply(Map<String, String> env, String masterPort, String uiPort) {
        // pom.xml gives the test JVM libtorch's environment; the scripts must supply it themselves.
        env.remove("OMP_WAIT_POLICY");
        env.remove("GLIBC_TUNABLES");
        env.put("SPARK_MASTER_PORT", masterPort);
        env.put("SPARK_MASTER_WEBUI_PORT", uiPort);
        env.put("ATTNSPARK_FAKE_GPUS", "1");
        env.put("SPARK_MASTER", "spark://127.0.0.1:" + masterPort);
        env.put("SPARK_SUBMIT_OPTS_EXTRA", "--conf spark.executor.resource.gpu.amount=1"
                + " --conf spark.task.resource.gpu.amount=1 --conf spark.executor.memory=1500m"
                + " --conf spark.executor.cores=1 --conf spark.driver.host=127.0.0.1");
    }
}
