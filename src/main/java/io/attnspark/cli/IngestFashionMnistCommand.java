package io.attnspark.cli;

import io.attnspark.data.FashionMnist;
import io.attnspark.data.IdxReader;
import io.attnspark.data.ImageRecord;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ingest fashion-mnist}: the four Fashion-MNIST IDX files as one table with train and test splits. */
@Command(
        name = "fashion-mnist",
        mixinStandardHelpOptions = true,
        description = "Ingest Fashion-MNIST (60000 train + 10000 test 28x28 gray images, 10 classes) from its IDX files.")
public final class IngestFashionMnistCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--source", paramLabel = "DIR",
            description = "Folder with train-/t10k-images-idx3-ubyte and -labels-idx1-ubyte, gzipped or plain"
                    + " (default: ${DEFAULT-VALUE}).")
    Path source = FashionMnist.DEFAULT_SOURCE;

    @Mixin IngestOutput output;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        long start = System.nanoTime();
        // Both pairs open (and their headers and labels are checked) before Spark starts.
        try (IdxReader train = FashionMnist.openTrain(source);
                IdxReader test = FashionMnist.openTest(source)) {
            Iterator<ImageRecord> records = Stream.concat(stream(train), stream(test)).iterator();
            return output.write(records, FashionMnist.CLASS_NAMES, start, spec.commandLine().getOut());
        }
    }

    private static Stream<ImageRecord> stream(IdxReader reader) {
        Iterable<ImageRecord> once = () -> reader;
        return StreamSupport.stream(once.spliterator(), false);
    }
}
