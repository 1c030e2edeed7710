package io.attnspark.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceAssignmentTest {

    @Test
    void unmaskedNodeUsesTheAddressAsTheOrdinal() {
        assertEquals(Device.gpu(1), DeviceAssignment.gpuOrCpu("1", null, 4));
        assertEquals(Device.gpu(3), DeviceAssignment.gpuOrCpu("3", "", 4));
    }

    @Test
    void maskedNodeUsesThePositionInCudaVisibleDevices() {
        // The node exposes physical GPUs 2 and 5 as CUDA ordinals 0 and 1.
        assertEquals(Device.gpu(1), DeviceAssignment.gpuOrCpu("5", "2,5", 2));
        assertEquals(Device.gpu(0), DeviceAssignment.gpuOrCpu("2", " 2, 5 ", 2));
    }

    @Test
    void addressAlreadyRelativeToTheMaskIsKept() {
        // A container that sees only its GPU: the discovery script reports "0" and the mask says "3".
        assertEquals(Device.gpu(0), DeviceAssignment.gpuOrCpu("0", "3", 1));
    }

    @Test
    void noCudaFallsBackToTheCpu() {
        assertEquals(Device.cpu(), DeviceAssignment.gpuOrCpu("1", "0,1", 0));
    }

    @Test
    void addressBeyondTheVisibleGpusIsAnErrorNamingIt() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> DeviceAssignment.gpuOrCpu("7", null, 2));
        assertTrue(e.getMessage().contains("GPU address 7") && e.getMessage().contains("2 GPUs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeviceAssignment.gpuOrCpu("gpu-a", null, 2));
    }

    @Test
    void outsideATaskTheReplicaUsesTheCpu() {
        assertEquals(Device.cpu(), DeviceAssignment.forTask(null));
        assertEquals(1, DeviceAssignment.threadsForTask(null));
        assertEquals("cpu x1", DeviceAssignment.describe(null, Device.cpu()));
    }
}
