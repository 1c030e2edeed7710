package io.attnspark.train;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd recording on or off for the calling thread, restoring the previous mode on close.
 *
 * <p>DJL's {@code PtGradientCollector} guards the whole JVM with one static flag ("only one can be
 * collecting at a time"), so two replicas in one executor (two concurrent Spark tasks) cannot train
 * through it. PyTorch's grad mode itself is thread-local, so each task thread sets its own.
 */
public final class GradientScope implements AutoCloseable {

    private final boolean previous;

    private GradientScope(boolean enabled) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(enabled);
    }

    /**
     * Records operations for backward in this thread until closed.
     *
     * @return the scope
     */
    public static GradientScope recording() {
        return new GradientScope(true);
    }

    /**
     * Records nothing in this thread until closed (inference, optimizer updates).
     *
     * @return the scope
     */
    public static GradientScope notRecording() {
        return new GradientScope(false);
    }

    /** Restores the previous mode. */
    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
