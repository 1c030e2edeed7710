package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.data.DecodedImage;
import io.attnspark.data.ImageDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchDecodeCommandTest {

    @Test
    void syntheticPhotosAreJpegsOfTheAskedSizeAndDiffer() {
        List<byte[]> jpegs = SyntheticPhotos.jpegs(3, 50, 70, 90, 1);
        assertEquals(3, jpegs.size());
        for (byte[] jpeg : jpegs) {
            DecodedImage image = ImageDecoder.decode(jpeg, "synthetic", 3);
            assertEquals(50, image.height());
            assertEquals(70, image.width());
        }
        assertFalse(Arrays.equals(jpegs.get(0), jpegs.get(1)));
    }

    @Test
    void printsARowPerDecoderAndThreadCountWithPilExactCandidates() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            code = Main.run("bench", "decode", "--images", "4", "--height", "60", "--width", "80", "--size", "32",
                    "--repeats", "1", "--threads", "1,2", "--decoders", "imageio", "--resizers", "java");
        } finally {
            System.setOut(saved);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.startsWith("CPU: "), out);
        assertTrue(out.contains("| imageio | 1 |") && out.contains("| imageio | 2 |"), out);
        assertTrue(out.lines().filter(l -> l.startsWith("| imageio |")).allMatch(l -> l.endsWith("| 0.0000 / 0 |")), out);
        assertTrue(out.lines().filter(l -> l.startsWith("| java |")).allMatch(l -> l.endsWith("| 0.000 / 0 |")), out);
    }

    @Test
    void unknownCandidatesAreConfigErrors() {
        assertEquals(2, Main.run("bench", "decode", "--decoders", "libpng"));
        assertEquals(2, Main.run("bench", "decode", "--resizers", "nearest"));
    }
}
