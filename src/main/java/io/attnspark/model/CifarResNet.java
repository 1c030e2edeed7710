package io.attnspark.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.initializer.XavierInitializer;
import java.util.Arrays;
import java.util.List;
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

    /** Filters of the three stages. */
    static final int[] STAGE_WIDTHS = {16, 32, 64};

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
     * Builds the network for a depth and a number of classes. Input channels and image size come
     * from the data at initialisation time.
     *
     * @param depth the depth, 6n+2
     * @param classes the number of output classes
     * @return the uninitialised block, its weights set to He (Kaiming) normal, fan-out init
     */
    public static SequentialBlock build(int depth, int classes) {
        int n = blocksPerStage(depth);
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, got " + classes);
        }
        SequentialBlock net = new SequentialBlock();
        net.add(conv(STAGE_WIDTHS[0], 3, 1)).add(batchNorm()).add(Activation.reluBlock());
        int inWidth = STAGE_WIDTHS[0];
        for (int stage = 0; stage < STAGE_WIDTHS.length; stage++) {
            int width = STAGE_WIDTHS[stage];
            for (int i = 0; i < n; i++) {
                int stride = (stage > 0 && i == 0) ? 2 : 1;
                net.add(basicBlock(width, stride, inWidth != width || stride != 1));
                inWidth = width;
            }
        }
        net.add(Pool.globalAvgPool2dBlock());
        Linear classifier = Linear.builder().setUnits(classes).build();
        net.add(classifier);
        // torchvision's ResNet init: kaiming_normal_(mode="fan_out", nonlinearity="relu") on convs.
        net.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2),
                Parameter.Type.WEIGHT);
        // PyTorch's Linear default: uniform in +-1/sqrt(fan_in) (kaiming_uniform with a = sqrt(5)).
        classifier.setInitializer(
                new XavierInitializer(
                        XavierInitializer.RandomType.UNIFORM, XavierInitializer.FactorType.IN, 1f),
                Parameter.Type.WEIGHT);
        return net;
    }

    /**
     * A basic residual block: conv3x3(stride)-BN-ReLU-conv3x3-BN plus the shortcut, then ReLU.
     *
     * @param width output filters
     * @param stride stride of the first conv
     * @param project whether the shortcut is a 1x1 conv + BN projection (shape change)
     * @return the block
     */
    static Block basicBlock(int width, int stride, boolean project) {
        SequentialBlock branch =
                new SequentialBlock()
                        .add(conv(width, 3, stride))
                        .add(batchNorm())
                        .add(Activation.reluBlock())
                        .add(conv(width, 3, 1))
                        .add(batchNorm());
        Block shortcut =
                project
                        ? new SequentialBlock().add(conv(width, 1, stride)).add(batchNorm())
                        : Blocks.identityBlock();
        ParallelBlock residual =
                new ParallelBlock(
                        CifarResNet::addBranches, Arrays.asList(branch, shortcut));
        return new SequentialBlock().add(residual).add(Activation.reluBlock());
    }

    private static NDList addBranches(List<NDList> outputs) {
        return new NDList(outputs.get(0).singletonOrThrow().add(outputs.get(1).singletonOrThrow()));
    }

    static Conv2d conv(int filters, int kernel, int stride) {
        return Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .optBias(false)
                .build();
    }

    static BatchNorm batchNorm() {
        // DJL's momentum 0.9 is PyTorch's 0.1: running = 0.9 * running + 0.1 * batch.
        return BatchNorm.builder().optMomentum(0.9f).optEpsilon(1e-5f).build();
    }
}
