package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NativeWarningsTest {

    /** write(2) as native code does it, bypassing Java's streams. */
    private interface Posix extends Library {
        long write(int fd, byte[] bytes, long count);
    }

    @Test
    void dropsDjlsDeprecationNoiseAndTranslatesNnpack() {
        assertEquals("", NativeWarnings.translate("[W1202 00:43:23.921330967 LegacyTypeDispatch.h:74] Warning: "
                + "AutoNonVariableTypeMode is deprecated and will be removed in 1.10 release. (function operator())"));
        String nnpack = NativeWarnings.translate(
                "[W1201 10:00:00.000000000 NNPACK.cpp:56] Could not initialize NNPACK! Reason: Unsupported hardware.");
        assertTrue(nnpack.contains("NNPACK") && nnpack.contains("Unsupported hardware") && nnpack.contains("oneDNN"),
                nnpack);
        assertNull(NativeWarnings.translate("[W1202 00:00:00.0 Foo.cpp:1] Warning: something else"),
                "unknown lines are kept as printed");
    }

    @Test
    void capturesWhatNativeCodeWritesToStandardErrorAndRestoresIt() throws Exception {
        Posix posix = Native.load("c", Posix.class);
        byte[] line = "native line\n".getBytes(StandardCharsets.UTF_8);
        List<String> caught = NativeWarnings.captureStandardError(() -> posix.write(2, line, line.length));
        assertEquals(List.of("native line"), caught);
        List<String> empty = NativeWarnings.captureStandardError(() -> { });
        assertEquals(List.of(), empty, "each capture starts empty: the previous one restored descriptor 2");
    }
}
