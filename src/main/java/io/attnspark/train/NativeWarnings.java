package io.attnspark.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.GradientCollector;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libtorch's once-per-process warnings, caught where they are printed so that users see only those
 * that concern them, in our words. libtorch writes them straight to the process's standard error
 * (file descriptor 2) the first time an operation needs them: DJL's JNI uses a deprecated guard
 * ("AutoNonVariableTypeMode is deprecated", nothing a user can act on), and CPUs without what NNPACK
 * needs get "Could not initialize NNPACK! Reason: Unsupported hardware." on the first small
 * convolution. {@link #consumeOnce} runs those operations once per JVM with descriptor 2 pointed at a
 * temporary file, then logs what it caught: known noise is dropped, known conditions become one line
 * of ours, and anything else is written back to standard error unchanged (it may be another thread's
 * output of the same few milliseconds).
 */
public final class NativeWarnings {

    private static final Logger LOG = LoggerFactory.getLogger(NativeWarnings.class);

    /** Printed by libtorch for DJL's JNI calls; says nothing about the user's job. */
    private static final Pattern NOISE = Pattern.compile("AutoNonVariableTypeMode is deprecated");

    private static final Pattern NNPACK = Pattern.compile("Could not initialize NNPACK! Reason: (.*)");

    private static boolean consumed;

    /** The C library calls that redirect a file descriptor. */
    private interface CLibrary extends Library {
        int dup(int fd);

        int dup2(int from, int to);

        int close(int fd);

        int open(String path, int flags, int mode);
    }

    private static final int O_WRONLY = 1;
    private static final int O_TRUNC = 512;
    private static final int STDERR = 2;

    private NativeWarnings() {}

    /** Runs the operations that print libtorch's one-time warnings, once per JVM, and logs them in our words. */
    public static synchronized void consumeOnce() {
        if (consumed) {
            return;
        }
        consumed = true;
        Engine.getEngine("PyTorch");
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return;
        }
        List<String> caught;
        try {
            caught = captureStandardError(NativeWarnings::runOneTimeWarningPaths);
        } catch (IOException | RuntimeException e) {
            LOG.debug("libtorch's one-time warnings were not captured: {}", e.toString());
            return;
        }
        for (String line : caught) {
            String ours = translate(line);
            if (ours == null) {
                System.err.println(line);
            } else if (!ours.isEmpty()) {
                LOG.info(ours);
            }
        }
    }

    /**
     * What to log for one line that libtorch printed.
     *
     * @param line the line as printed
     * @return "" to drop it, a message of ours, or null when the line is not known (keep it as it is)
     */
    static String translate(String line) {
        if (NOISE.matcher(line).find()) {
            return "";
        }
        var nnpack = NNPACK.matcher(line);
        if (nnpack.find()) {
            return "NNPACK, libtorch's alternative kernels for some small CPU convolutions, is unavailable on this CPU ("
                    + nnpack.group(1).trim() + "); libtorch uses its oneDNN kernels instead. Nothing to do.";
        }
        return null;
    }

    /**
     * Runs an action with file descriptor 2 redirected to a temporary file and returns what was
     * written to it, native writes included.
     *
     * @param action the action
     * @return the lines written during the action
     * @throws IOException if the temporary file fails
     */
    static List<String> captureStandardError(Runnable action) throws IOException {
        CLibrary c = Native.load("c", CLibrary.class);
        Path file = Files.createTempFile("libtorch-stderr", ".txt");
        try {
            System.err.flush();
            int saved = c.dup(STDERR);
            int fd = c.open(file.toString(), O_WRONLY | O_TRUNC, 0);
            if (saved < 0 || fd < 0) {
                throw new IOException("could not redirect standard error to " + file);
            }
            c.dup2(fd, STDERR);
            c.close(fd);
            try {
                action.run();
            } finally {
                System.err.flush();
                c.dup2(saved, STDERR);
                c.close(saved);
            }
            return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** A copy into a tensor, and small convolutions with and without gradients: what prints the warnings. */
    private static void runOneTimeWarningPaths() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.zeros(new Shape(1, 2, 4, 4));
            x.set(new float[32]);
            for (long kernel : new long[] {1, 3}) {
                NDArray w = m.ones(new Shape(2, 2, kernel, kernel));
                Conv2d.conv2d(x, w);
                Conv2d.conv2d(x.repeat(0, 16), w);
                w.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    gc.backward(Conv2d.conv2d(x, w).singletonOrThrow().sum());
                }
            }
        }
    }
}
