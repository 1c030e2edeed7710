package io.attnspark.nn;

/**
 * An {@code .npz} archive or {@code .npy} entry that cannot be read; the message names the file,
 * the entry and what is wrong.
 */
public final class NpzFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Constructs an error.
     *
     * @param message what is wrong and where
     */
    public NpzFormatException(String message) {
        super(message);
    }

    /**
     * Constructs an error with its cause.
     *
     * @param message what is wrong and where
     * @param cause the underlying error
     */
    public NpzFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
