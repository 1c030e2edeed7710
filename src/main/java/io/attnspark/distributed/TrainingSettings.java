package io.attnspark.distributed;

import static io.attnspark.distributed.SettingsCheck.require;

import io.attnspark.data.RandomResizedCrop;
import io.attnspark.train.Precision;
import io.attnspark.train.SgdSettings;
import java.io.Serializable;

/**
 * How a run trains (a train job's {@code train} section).
 *
 * @param epochs epochs (passes over each shard)
 * @param batchSize images per step and replica
 * @param learningRate the learning-rate schedule's settings
 * @param sgd SGD momentum and weight decay ({@code train.momentum}, {@code train.weight-decay})
 * @param augment the training images' augmentation
 * @param seed the run seed
 * @param evalBatchSize images per forward pass when evaluating
 * @param precision what the replicas compute in, training and evaluating ({@code train.precision})
 */
public record TrainingSettings(
        double epochs,
        int batchSize,
        LearningRate learningRate,
        SgdSettings sgd,
        Augmentation augment,
        long seed,
        int evalBatchSize,
        Precision precision) implements Serializable {

    /**
     * Validates the section.
     *
     * @throws IllegalArgumentException naming the key
     */
    public TrainingSettings {
        require(epochs > 0, "train.epochs", epochs, "> 0");
        require(batchSize >= 1, "train.batch-size", batchSize, ">= 1");
        require(learningRate.warmupEpochs() < epochs, "train.warmup-epochs", learningRate.warmupEpochs(),
                ">= 0 and below train.epochs");
        require(evalBatchSize >= 1, "train.eval-batch-size", evalBatchSize, ">= 1");
        require(precision != null, "train.precision", null, "float32 or bfloat16");
    }

    /**
     * Settings that compute in float32.
     *
     * @param epochs epochs (passes over each shard)
     * @param batchSize images per step and replica
     * @param learningRate the learning-rate schedule's settings
     * @param sgd SGD momentum and weight decay
     * @param augment the training images' augmentation
     * @param seed the run seed
     * @param evalBatchSize images per forward pass when evaluating
     */
    public TrainingSettings(double epochs, int batchSize, LearningRate learningRate, SgdSettings sgd,
            Augmentation augment, long seed, int evalBatchSize) {
        this(epochs, batchSize, learningRate, sgd, augment, seed, evalBatchSize, Precision.FLOAT32);
    }

    /**
     * The learning rate: a linear warm-up to the peak, then a cosine down to the final rate.
     *
     * @param peak the peak learning rate ({@code train.lr})
     * @param last the rate at the end of the cosine ({@code train.lr-final})
     * @param warmupEpochs the warm-up's length in epochs ({@code train.warmup-epochs})
     */
    public record LearningRate(double peak, double last, double warmupEpochs) implements Serializable {

        /**
         * Validates the rates.
         *
         * @throws IllegalArgumentException naming the key
         */
        public LearningRate {
            require(peak > 0, "train.lr", peak, "> 0");
            require(last >= 0 && last <= peak, "train.lr-final", last, "between 0 and train.lr");
            require(warmupEpochs >= 0, "train.warmup-epochs", warmupEpochs, ">= 0 and below train.epochs");
        }
    }

    /**
     * Random augmentation of the training images ({@code train.augment}).
     *
     * @param cropPadding random-crop padding in pixels, 0 for none
     * @param flip random horizontal flips
     * @param randomResizedCrop torchvision's random-resized crop (its scale and ratio ranges), or null for none
     */
    public record Augmentation(int cropPadding, boolean flip, RandomResizedCrop randomResizedCrop)
            implements Serializable {

        /**
         * Validates the augmentation.
         *
         * @throws IllegalArgumentException naming the key
         */
        public Augmentation {
            require(cropPadding >= 0, "train.augment.crop-padding", cropPadding, ">= 0");
        }

        /**
         * Padded crops and flips only, as before random-resized crops existed.
         *
         * @param cropPadding random-crop padding in pixels, 0 for none
         * @param flip random horizontal flips
         */
        public Augmentation(int cropPadding, boolean flip) {
            this(cropPadding, flip, null);
        }
    }
}
