package io.attnspark.cli;

import io.attnspark.data.BadInputException;
import io.attnspark.data.IdxReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ingest idx}: any MNIST-format image and label file pair as one split of a table. */
@Command(
        name = "idx",
        mixinStandardHelpOptions = true,
        description = "Ingest an MNIST-format IDX image file (magic 2051) and label file (magic 2049), gzipped or plain.")
public final class IngestIdxCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--images", required = true, paramLabel = "FILE", description = "IDX image file.")
    Path images;

    @Option(names = "--labels", required = true, paramLabel = "FILE", description = "IDX label file.")
    Path labels;

    @Option(names = "--split", paramLabel = "NAME", description = "Split name of every row (default: ${DEFAULT-VALUE}).")
    String split = "train";

    @Option(names = "--classes", split = ",", paramLabel = "NAME",
            description = "Class names in label order, comma-separated (default: the label values 0..max).")
    List<String> classes;

    @Mixin IngestOutput output;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        long start = System.nanoTime();
        IngestOutput.checkSplit(spec, split);
        try (IdxReader reader = IdxReader.open(images, labels, split)) {
            List<String> classNames = classes != null ? checkedClassNames(reader) : defaultClassNames(reader);
            return output.write(reader, classNames, start, spec.commandLine().getOut());
        }
    }

    /** Fails before any work if a label value has no name. */
    private List<String> checkedClassNames(IdxReader reader) {
        List<Integer> values = reader.labelValues();
        int max = values.isEmpty() ? 0 : values.get(values.size() - 1);
        if (max >= classes.size()) {
            throw new BadInputException(String.format(
                    Locale.ROOT, "%s has label values up to %d, but --classes names only %d classes (%s)",
                    labels, max, classes.size(), String.join(",", classes)));
        }
        return classes;
    }

    /** Names "0".."max label", so that label i is named "i" even if some values never occur. */
    private static List<String> defaultClassNames(IdxReader reader) {
        List<Integer> values = reader.labelValues();
        int max = values.isEmpty() ? 0 : values.get(values.size() - 1);
        return IntStream.rangeClosed(0, max).mapToObj(Integer::toString).collect(Collectors.toList());
    }
}
