package io.attnspark.distributed;

import io.attnspark.data.DecodedImage;
import io.attnspark.data.EncodedShard;
import io.attnspark.data.ImageDecoder;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;

/**
 * The kind and size of the images of a table that is decoded per epoch: colour if any image is, and
 * the one size when they share it. It comes from the table's size columns, or, for a table written
 * before they existed, from the first image of each shard.
 *
 * @param channels 3 if any image is colour, else 1
 * @param height the images' height when they share one (else the largest)
 * @param width the images' width when they share one (else the largest)
 * @param oneSize whether all images share one size
 */
record StreamedShape(int channels, int height, int width, boolean oneSize) implements Serializable {

    /**
     * The shape from the table's size columns.
     *
     * @param sizes the table's sizes
     * @return the shape
     */
    static StreamedShape of(TableSizes sizes) {
        return new StreamedShape(sizes.maxChannels(), sizes.maxHeight(), sizes.maxWidth(),
                sizes.minHeight() == sizes.maxHeight() && sizes.minWidth() == sizes.maxWidth());
    }

    /**
     * The shape from the first image of every shard (a table without size columns).
     *
     * @param shards the shards
     * @return the shape
     */
    static StreamedShape firstImages(JavaRDD<EncodedShard> shards) {
        List<int[]> firsts = shards.filter(s -> s.size() > 0)
                .map(s -> {
                    DecodedImage d = ImageDecoder.decode(s.encoded(0), s.id(0));
                    return new int[] {d.channels(), d.height(), d.width()};
                })
                .collect();
        int[] first = firsts.get(0);
        boolean same = firsts.stream().allMatch(d -> d[1] == first[1] && d[2] == first[2]);
        int channels = firsts.stream().mapToInt(d -> d[0]).max().orElse(first[0]);
        return new StreamedShape(channels, first[1], first[2], same);
    }

    /**
     * Describes the shape for messages.
     *
     * @return for example {@code 3 channels, 28x28}
     */
    String describe() {
        return oneSize ? String.format(Locale.ROOT, "%d channels, %dx%d", channels, height, width)
                : String.format(Locale.ROOT, "%d channels, sizes up to %dx%d", channels, height, width);
    }

    /**
     * Summarises a shard for the run: its size and labels, and the moments of the evaluation views of
     * its first images for the normalisation.
     *
     * @param shard the shard
     * @param channels input channels
     * @param height input height
     * @param width input width
     * @param sample images whose views give the moments
     * @return the summary (its moments cover {@code min(sample, images)} images)
     */
    static ShardSummary summary(EncodedShard shard, int channels, int height, int width, int sample) {
        int max = -1;
        for (int i = 0; i < shard.size(); i++) {
            max = Math.max(max, shard.label(i));
        }
        return new ShardSummary(shard.size(), channels, height, width, max,
                shard.viewMoments(channels, height, width, sample));
    }
}
