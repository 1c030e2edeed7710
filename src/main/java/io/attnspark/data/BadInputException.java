package io.attnspark.data;

/**
 * Input data that cannot be used: a missing or truncated file, a wrong magic number, an image that
 * does not decode. The message names the file and, where known, the offset or entry.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Constructs an error.
     *
     * @param message what is wrong and where
     */
    public BadInputException(String message) {
        super(message);
    }

    /**
     * Constructs an error with its cause.
     *
     * @param message what is wrong and where
     * @param cause the underlying error
     */
    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
