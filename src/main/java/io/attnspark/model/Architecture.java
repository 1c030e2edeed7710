package io.attnspark.model;

import io.attnspark.nn.Attentions;

/**
 * Which network to build, whatever the data: the backbone, its depth, the attention module, where it goes and
 * how the residual branches start (a train job's {@code model} section). With the data's input size, classes and
 * normalisation it makes a {@link ModelSpec}.
 *
 * @param backbone the backbone family ({@link Backbone}): {@code resnet-cifar}, {@code resnet},
 *     {@code resnext-32x4d}
 * @param depth the backbone depth (6n+2 for {@code resnet-cifar}; 18, 34, 50, 101, 152 for {@code
 *     resnet}; 50, 101, 152 for {@code resnext-32x4d})
 * @param attention the attention module's registry name ({@code io.attnspark.nn.Attentions}),
 *     {@code none} for the plain backbone
 * @param placement where the attention module goes; null for {@code none}; null for a module means
 *     its default ({@link AttentionPlacement#defaults(String, Backbone)})
 * @param zeroInitResidual whether the last BN gamma of each residual branch starts at 0
 *     (torchvision's {@code zero_init_residual})
 */
public record Architecture(
        String backbone, int depth, String attention, AttentionPlacement placement, boolean zeroInitResidual)
        implements java.io.Serializable {

    /**
     * Validates the choice (backbone, depth, module, placement) and fills in the module's default placement.
     *
     * @throws IllegalArgumentException naming what is invalid
     */
    public Architecture {
        Backbone family = Backbone.of(backbone);
        Backbone.Layout layout = family.layout(depth);
        if (ModelSpec.NONE.equals(attention)) {
            if (placement != null) {
                throw new IllegalArgumentException("an attention placement was given but attention is 'none'");
            }
        } else {
            if (attention == null || !Attentions.names().contains(attention)) {
                throw new IllegalArgumentException("unknown attention '" + attention + "'; valid: none, "
                        + String.join(", ", Attentions.names()));
            }
            placement = placement != null ? placement : AttentionPlacement.defaults(attention, family);
            placement.check(attention, layout);
        }
    }

    /**
     * A module at its paper's placement, with torchvision's default initialisation.
     *
     * @param backbone the backbone family
     * @param depth the depth
     * @param attention the attention module, or {@code none}
     */
    public Architecture(String backbone, int depth, String attention) {
        this(backbone, depth, attention, null, false);
    }
}
