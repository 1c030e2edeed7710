package io.attnspark.distributed;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps what Spark gave a task (a GPU address from resource scheduling, a number of cores) to the
 * DJL device and libtorch threads its replica uses.
 */
public final class DeviceAssignment {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceAssignment.class);
    private static final AtomicBoolean CPU_FALLBACK_LOGGED = new AtomicBoolean();

    private DeviceAssignment() {}

    /**
     * Returns the device of the running task: its assigned GPU when Spark assigned one and CUDA
     * is available, else the CPU (logged once per JVM when a GPU was assigned but is unusable).
     *
     * @param task the running task's context, or null outside a task
     * @return the device
     */
    public static Device forTask(TaskContext task) {
        if (task == null) {
            return Device.cpu();
        }
        Map<String, ResourceInformation> resources = scala.jdk.javaapi.CollectionConverters.asJava(task.resources());
        ResourceInformation gpu = resources.get("gpu");
        if (gpu == null || gpu.addresses().length == 0) {
            return Device.cpu();
        }
        return gpuOrCpu(gpu.addresses()[0], System.getenv("CUDA_VISIBLE_DEVICES"), Engine.getInstance().getGpuCount());
    }

    /**
     * Maps a Spark GPU address to a device. Spark reports physical ordinals (what the discovery
     * script printed); when {@code CUDA_VISIBLE_DEVICES} already masks the node, CUDA numbers the
     * visible GPUs from 0, so the ordinal is the address's position in that list. An address not
     * in the list is taken as already relative to the mask (a container that sees only its GPUs).
     *
     * @param address the Spark address, e.g. "1"
     * @param cudaVisibleDevices the environment's mask, or null
     * @param gpuCount GPUs the engine can use
     * @return the GPU device, or the CPU when the engine has no usable GPU
     */
    public static Device gpuOrCpu(String address, String cudaVisibleDevices, int gpuCount) {
        if (gpuCount <= 0) {
            if (CPU_FALLBACK_LOGGED.compareAndSet(false, true)) {
                LOG.warn("Spark assigned GPU {} but the engine sees no CUDA device: training on the CPU", address);
            }
            return Device.cpu();
        }
        int ordinal;
        List<String> visible =
                cudaVisibleDevices == null || cudaVisibleDevices.isBlank()
                        ? List.of()
                        : Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
        int position = visible.indexOf(address.trim());
        if (position >= 0) {
            ordinal = position;
        } else {
            try {
                ordinal = Integer.parseInt(address.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("GPU address '" + address + "' is not a device ordinal", e);
            }
        }
        if (ordinal < 0 || ordinal >= gpuCount) {
            throw new IllegalArgumentException(
                    "GPU address " + address + " maps to ordinal " + ordinal + " but only " + gpuCount
                            + " GPUs are visible (CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + ")");
        }
        return Device.gpu(ordinal);
    }

    /**
     * Describes what a task was given and what its replica runs on, for the {@code runs} table,
     * e.g. {@code gpu 1 -> cpu} when Spark assigned GPU 1 and the engine has no CUDA.
     *
     * @param task the running task's context, or null
     * @param device the device chosen by {@link #forTask}
     * @return the description
     */
    public static String describe(TaskContext task, Device device) {
        String used = device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu x" + threadsForTask(task);
        if (task != null) {
            ResourceInformation gpu = scala.jdk.javaapi.CollectionConverters.asJava(task.resources()).get("gpu");
            if (gpu != null && gpu.addresses().length > 0) {
                return "gpu " + String.join(",", gpu.addresses()) + " -> " + used;
            }
        }
        return used;
    }

    /**
     * Returns the cores the running task was given ({@code spark.task.cpus}), 1 outside a task.
     *
     * @param task the running task's context, or null
     * @return the intra-op threads for its replica
     */
    public static int threadsForTask(TaskContext task) {
        return task == null ? 1 : Math.max(1, task.cpus());
    }
}
