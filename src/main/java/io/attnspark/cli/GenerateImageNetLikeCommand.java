package io.attnspark.cli;

import io.attnspark.data.FashionMnist;
import io.attnspark.data.ImageNetLikeFolder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code generate imagenet-like}: an ImageNet-shaped folder of any-size JPEG/PNG images from Fashion-MNIST. */
@Command(
        name = "imagenet-like",
        mixinStandardHelpOptions = true,
        description = {"Write train/<class>/ and val/<class>/ image folders from Fashion-MNIST (10 classes): images"
                + " upscaled to " + ImageNetLikeFolder.MIN_SIDE + ".." + ImageNetLikeFolder.MAX_SIDE + " pixels per"
                + " side, aspect 1:2..2:1, colour-tinted, " + ImageNetLikeFolder.PNG_PERCENT + "%% PNG and the rest"
                + " JPEG (quality " + ImageNetLikeFolder.JPEG_QUALITY + "); the same files for the same seed."})
public final class GenerateImageNetLikeCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder to create (must not exist or be empty).")
    Path out;

    @Option(names = "--images", paramLabel = "N", description = "Images in all (default: ${DEFAULT-VALUE}).")
    int images = 5000;

    @Option(names = "--val-percent", paramLabel = "P", description = "Share of them in val/, percent (default: ${DEFAULT-VALUE}).")
    int valPercent = 20;

    @Option(names = "--gray-percent", paramLabel = "P",
            description = "Share left gray (1 channel), percent (default: ${DEFAULT-VALUE}).")
    int grayPercent = 2;

    @Option(names = "--seed", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--source", paramLabel = "DIR",
            description = "Fashion-MNIST IDX files, plain or gzipped (default: ${DEFAULT-VALUE}).")
    Path source = FashionMnist.DEFAULT_SOURCE;

    /** {@inheritDoc} */
    @Override
    public Integer call() {
        long start = System.nanoTime();
        ImageNetLikeFolder.Settings settings;
        try {
            settings = new ImageNetLikeFolder.Settings(source, out, images, valPercent, grayPercent, seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        ImageNetLikeFolder.Summary s = ImageNetLikeFolder.write(settings);
        PrintWriter console = spec.commandLine().getOut();
        console.println(String.format(Locale.ROOT,
                "wrote %d train + %d val images (%d PNG, %d gray), %.1f MB -> %s in %.1f s",
                s.train(), s.val(), s.png(), s.gray(), s.bytes() / 1e6, out, (System.nanoTime() - start) / 1e9));
        console.flush();
        return 0;
    }
}
