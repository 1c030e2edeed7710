package io.attnspark.distributed;

import java.util.Locale;

/**
 * What a guarded run is, in the words an error message needs to say which work died: the run, the
 * model as the run knows it, the input shape and the batch each task feeds to libtorch.
 *
 * @param run e.g. {@code run 20261112-101500-1a2b3c4d}
 * @param model e.g. {@code resnet-cifar-20+se (variant se-r8)}
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param batch e.g. {@code 32 per replica}
 */
public record RunIdentity(String run, String model, int channels, int height, int width, String batch) {

    /**
     * Returns the input shape.
     *
     * @return {@code C x H x W}, e.g. {@code 1x28x28}
     */
    public String inputShape() {
        return String.format(Locale.ROOT, "%dx%dx%d", channels, height, width);
    }
}
