package io.attnspark.nn;

/**
 * Reference weights that do not fit a block: a missing, unexpected or wrongly shaped parameter.
 * The message names every such parameter by its PyTorch {@code state_dict} name.
 */
public final class WeightImportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Constructs an error.
     *
     * @param message the parameters that do not fit and why
     */
    public WeightImportException(String message) {
        super(message);
    }
}
