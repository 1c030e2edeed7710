package io.attnspark.train;

import java.util.Locale;

/** A replica's loss became NaN or infinite: training stops instead of averaging it in. */
public final class NonFiniteLossException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Constructs the error with a message.
     *
     * @param message what diverged, where
     */
    public NonFiniteLossException(String message) {
        super(message);
    }

    /**
     * Constructs the error.
     *
     * @param shard the shard whose replica diverged
     * @param step the global step
     * @param loss the loss value
     */
    public NonFiniteLossException(int shard, long step, double loss) {
        super(String.format(
                Locale.ROOT,
                "the loss of shard %d became %s at step %d: lower the learning rate or check the data",
                shard,
                loss,
                step));
    }
}
