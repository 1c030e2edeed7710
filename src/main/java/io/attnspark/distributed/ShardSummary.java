package io.attnspark.distributed;

import io.attnspark.data.ShardData;
import java.io.Serializable;
import java.util.Locale;

/**
 * What the driver needs to know of a decoded shard: its size, image shape, largest label and
 * per-channel pixel sums (for the normalisation).
 *
 * @param images images in the shard
 * @param channels channels per image
 * @param height image height
 * @param width image width
 * @param maxLabel the largest label
 * @param moments per-channel sums and sums of squares, see {@link ShardData#channelMoments()}
 */
public record ShardSummary(int images, int channels, int height, int width, int maxLabel, double[] moments)
        implements Serializable {

    /**
     * Summarises a shard.
     *
     * @param data the shard
     * @return its summary
     */
    public static ShardSummary of(ShardData data) {
        int max = -1;
        for (int i = 0; i < data.size(); i++) {
            max = Math.max(max, data.label(i));
        }
        return new ShardSummary(data.size(), data.channels(), data.height(), data.width(), max, data.channelMoments());
    }

    /**
     * Tells whether two shards hold images of one size.
     *
     * @param other the other shard
     * @return true if channels, height and width agree
     */
    public boolean sameSize(ShardSummary other) {
        return channels == other.channels && height == other.height && width == other.width;
    }

    /**
     * Returns the image size as text.
     *
     * @return e.g. {@code 1x28x28}
     */
    public String sizeText() {
        return String.format(Locale.ROOT, "%dx%dx%d", channels, height, width);
    }
}
