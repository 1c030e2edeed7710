package io.attnspark.nn;

/** The two kinds of residual backbone whose papers place attention modules differently. */
public enum BackboneFamily {
    /** The CIFAR-style ResNet: 3x3 stem, three stages. */
    CIFAR,
    /** The ImageNet-style ResNet: 7x7 stem and max-pool, four stages. */
    IMAGENET
}
