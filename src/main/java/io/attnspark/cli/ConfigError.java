package io.attnspark.cli;

/** A job configuration that cannot be run; the message names the key and what would be valid. */
public final class ConfigError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Constructs an error.
     *
     * @param message what is wrong, naming the key
     */
    public ConfigError(String message) {
        super(message);
    }
}
