package io.attnspark.model;

import ai.djl.nn.SequentialBlock;
import java.util.Locale;

/**
 * The CIFAR-style ResNet of He et al., "Deep Residual Learning for Image Recognition", section 4.2
 * (https://arxiv.org/abs/1512.03385): a 3x3 conv stem with BN and ReLU, three stages of n basic
 * blocks with 16/32/64 filters, stride 2 at the start of stages 2 and 3, global average pooling and
 * a dense classifier; depth 6n+2.
 *
 * <p>Where the paper's CIFAR models use parameter-free option A shortcuts (zero padding), this
 * follows the issue and the common reference ports (e.g. akamaster/pytorch_resnet_cifar10 option B,
 * torchvision) with a 1x1 conv + BN projection where the shape changes. DJL's {@code ResNetV1}
 * is not used: it has an ImageNet stem and different shortcut rules.
 */
public final class CifarResNet {

    private CifarResNet() {}

    /**
     * Returns n, the basic blocks per stage, for a depth of 6n+2.
     *
     * @param depth the network depth (20, 32, 44, 56, 110, ...)
     * @return the blocks per stage
     * @throws IllegalArgumentException if the depth is not 6n+2 with n at least 1
     */
    public static int blocksPerStage(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "CIFAR ResNet depth must be 6n+2 (8, 14, 20, 32, 44, 56, 110, ...), got %d",
                            depth));
        }
        return (depth - 2) / 6;
    }

    /**
     * Builds the plain network for a depth and a number of classes. Input channels and image size
     * come from the data at initialisation time. With attention, see {@link ResidualNetworkBuilder}.
     *
     * @param depth the depth, 6n+2
     * @param classes the number of output classes
     * @return the uninitialised block, its conv weights set to He (Kaiming) normal, fan-out init
     */
    public static SequentialBlock build(int depth, int classes) {
        return new ResidualNetworkBuilder(Backbone.RESNET_CIFAR, depth, classes, ModelSpec.NONE, null, false).build();
    }
}
