package io.attnspark.data;

import java.nio.file.Path;
import java.util.List;

/**
 * The Fashion-MNIST dataset (Xiao, Rasul and Vollgraf, 2017, arXiv:1708.07747): 28x28 grayscale
 * images of clothing in ten classes, 60000 for training and 10000 for testing, shipped as four
 * IDX files from https://github.com/zalandoresearch/fashion-mnist.
 */
public final class FashionMnist {

    /** Where the dataset is installed on our machines and images. */
    public static final Path DEFAULT_SOURCE = Path.of("/usr/share/datasets/fashion-mnist");

    /** The class names, indexed by label, as published with the dataset. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** Base name of the training images file (without {@code .gz}). */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** Base name of the training labels file (without {@code .gz}). */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** Base name of the test images file (without {@code .gz}). */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** Base name of the test labels file (without {@code .gz}). */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    /** Number of training images. */
    public static final int TRAIN_COUNT = 60_000;
    /** Number of test images. */
    public static final int TEST_COUNT = 10_000;

    private FashionMnist() {}

    /**
     * Opens the training images and labels in a source folder.
     *
     * @param sourceDir the folder holding the four files, gzipped or plain
     * @return a reader of records with split {@code train}
     * @throws BadInputException if a file is missing or malformed
     */
    public static IdxReader openTrain(Path sourceDir) {
        return IdxReader.open(
                IdxReader.resolve(sourceDir, TRAIN_IMAGES),
                IdxReader.resolve(sourceDir, TRAIN_LABELS),
                "train");
    }

    /**
     * Opens the test images and labels in a source folder.
     *
     * @param sourceDir the folder holding the four files, gzipped or plain
     * @return a reader of records with split {@code test}
     * @throws BadInputException if a file is missing or malformed
     */
    public static IdxReader openTest(Path sourceDir) {
        return IdxReader.open(
                IdxReader.resolve(sourceDir, TEST_IMAGES),
                IdxReader.resolve(sourceDir, TEST_LABELS),
                "test");
    }
}
