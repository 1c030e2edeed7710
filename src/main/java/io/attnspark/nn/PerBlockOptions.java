package io.attnspark.nn;

import java.util.Map;

/**
 * The options a backbone gives a module for one residual block, beyond those of the spec: what a
 * conv-replacing module needs to stand in for the 3x3 conv (widths, stride, groups), or what a
 * module's paper varies by block (GSoP's reduction stride).
 */
@FunctionalInterface
public interface PerBlockOptions {

    /** No per-block options. */
    PerBlockOptions NONE = (site, options) -> Map.of();

    /**
     * One block of a backbone, as a module placed there sees it.
     *
     * @param in the channels going in (of the 3x3 conv for a conv-replacing module)
     * @param out the channels coming out
     * @param stride the block's stride
     * @param groups the 3x3 conv's groups
     * @param planes the block's width before expansion
     * @param family the backbone family
     */
    record Site(int in, int out, int stride, int groups, int planes, BackboneFamily family) {}

    /**
     * The per-block options; the spec's own options override them unless the backbone owns the key.
     *
     * @param site the block
     * @param options the spec's options for the module
     * @return the options to add
     */
    Map<String, Object> at(Site site, AttentionOptions options);
}
