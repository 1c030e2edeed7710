package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.attnspark.report.HtmlReport;
import io.attnspark.report.Palette;
import io.attnspark.report.ResultTablesFixture;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attnspark report} end to end: synthetic result tables with the real schemas, the command, and the
 * page rendered by headless Chromium (Debian package {@code chromium}, installed by {@code jobs/setup.sh})
 * with networking off: the rendered DOM has one series per variant in every chart (the timeline included) and a
 * summary row per variant, and the screenshot is not blank.
 */
class ReportBrowserTest {

    private static final int SEEDS = 2;
    private static final int EPOCHS = 3;
    private static final long BROWSER_TIMEOUT_S = 120;
    private static final Pattern SERIES = Pattern.compile("<g class=\"series\" data-variant=\"([^\"]*)\"");

    private static SparkSession spark;

    @TempDir Path dir;

    @BeforeAll
    static void startSpark() {
        // The command gets this same session back from SparkSessions.getOrCreate.
        spark = SparkSessions.getOrCreate("ReportBrowserTest", "local[2]");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void chromiumRendersOneSeriesPerVariantAndAVisiblePage() throws Exception {
        Path results = dir.resolve("ablation");
        ResultTablesFixture.write(spark, results, ResultTablesFixture.VARIANTS, SEEDS, EPOCHS);
        ResultTablesFixture.writeCells(spark, results, ResultTablesFixture.VARIANTS, SEEDS);
        Path report = dir.resolve("out/sub/report.html");
        assertEquals(0, Main.run("report", "--results", results.toString(), "--out", report.toString()));
        assertTrue(Files.size(report) > 1000, "report is written");

        String chromium = chromium();
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        String url = report.toUri().toString();

        Path domFile = dir.resolve("dom.html");
        runBrowser(chromium, profile, domFile, "--dump-dom", url);
        String dom = Files.readString(domFile, StandardCharsets.UTF_8);
        for (String chart : List.of(HtmlReport.ACCURACY_CHART, HtmlReport.CURVES_CHART, HtmlReport.THROUGHPUT_CHART,
                HtmlReport.TIMELINE_CHART)) {
            Map<String, Integer> series = seriesPerVariant(svg(dom, chart));
            assertEquals(ResultTablesFixture.VARIANTS.size(), series.size(), chart + ": one series per variant, got " + series);
            for (String variant : ResultTablesFixture.VARIANTS) {
                assertEquals(1, series.getOrDefault(variant, 0), chart + ": series of '" + variant + "' in " + series);
            }
        }
        String curves = svg(dom, HtmlReport.CURVES_CHART);
        assertEquals(ResultTablesFixture.VARIANTS.size(), count(curves, "<polyline"), "a polyline per variant");
        assertEquals(ResultTablesFixture.VARIANTS.size() * EPOCHS, count(curves, "<circle class=\"point\""),
                "a point per variant and epoch");
        assertEquals(ResultTablesFixture.VARIANTS.size() * SEEDS, count(svg(dom, HtmlReport.TIMELINE_CHART), "<rect class=\"bar"),
                "a timeline bar per cell");
        String table = between(dom, "<table class=\"summary\">", "</table>");
        List<String> rows = new ArrayList<>();
        Matcher m = Pattern.compile("<tr data-variant=\"([^\"]*)\"").matcher(table);
        while (m.find()) {
            rows.add(unescape(m.group(1)));
        }
        assertEquals(ResultTablesFixture.VARIANTS, rows, "a summary row per variant, in the summary's (plan's) order");
        assertTrue(!dom.contains("<cbam"), "a variant name is text, never markup");

        Path png = dir.resolve("report.png");
        runBrowser(chromium, profile, null, "--screenshot=" + png, "--window-size=1200,1600", "--hide-scrollbars", url);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        int nonWhite = 0;
        int[] seriesPixels = new int[ResultTablesFixture.VARIANTS.size()];
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb != 0xffffff) {
                    nonWhite++;
                }
                for (int i = 0; i < seriesPixels.length; i++) {
                    if (close(rgb, Integer.parseInt(Palette.colour(i).substring(1), 16))) {
                        seriesPixels[i]++;
                    }
                }
            }
        }
        double share = nonWhite / (double) (image.getWidth() * image.getHeight());
        assertTrue(share > 0.02, "screenshot is not blank: " + share + " of its pixels are not white");
        assertTrue(colours.size() > 50, "screenshot has text, lines and series: " + colours.size() + " distinct colours");
        for (int i = 0; i < seriesPixels.length; i++) {
            assertTrue(seriesPixels[i] > 100, "series colour " + Palette.colour(i) + " of '"
                    + ResultTablesFixture.VARIANTS.get(i) + "' is visible: " + seriesPixels[i] + " pixels");
        }
    }

    /** The Chromium binary, or a failure saying how to install it: CI must run this test, never skip it. */
    private static String chromium() {
        for (String name : List.of("chromium", "chromium-browser")) {
            for (String folder : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
                File f = new File(folder, name);
                if (f.canExecute()) {
                    return f.getPath();
                }
            }
        }
        return fail("chromium is not installed: run jobs/setup.sh (it installs the Debian package chromium)");
    }

    /** Runs headless Chromium with the network and background services off, stdout to a file if given. */
    private void runBrowser(String chromium, Path profile, Path stdout, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path log = dir.resolve("chromium-" + System.nanoTime() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
        pb.redirectOutput(stdout != null ? ProcessBuilder.Redirect.to(stdout.toFile()) : ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        if (!p.waitFor(BROWSER_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("chromium did not finish within " + BROWSER_TIMEOUT_S + " s: " + command + "\n" + tail(log));
        }
        if (p.exitValue() != 0) {
            fail("chromium exited with " + p.exitValue() + ": " + command + "\n" + tail(log));
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        return text.length() > 4000 ? text.substring(text.length() - 4000) : text;
    }

    private static String svg(String dom, String id) {
        int at = dom.indexOf("id=\"" + id + "\"");
        assertTrue(at >= 0, "chart " + id + " is in the page");
        int start = dom.lastIndexOf("<svg", at);
        int end = dom.indexOf("</svg>", at);
        assertTrue(start >= 0 && end > at, "chart " + id + " is a whole <svg> element");
        return dom.substring(start, end);
    }

    private static String between(String text, String from, String to) {
        int start = text.indexOf(from);
        assertTrue(start >= 0, "page has " + from);
        int end = text.indexOf(to, start);
        assertTrue(end > start, "page has " + to + " after " + from);
        return text.substring(start, end);
    }

    private static Map<String, Integer> seriesPerVariant(String svg) {
        Map<String, Integer> counts = new HashMap<>();
        Matcher m = SERIES.matcher(svg);
        while (m.find()) {
            counts.merge(unescape(m.group(1)), 1, Integer::sum);
        }
        return counts;
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** Undoes the escaping Chromium's serialiser applies to attribute values. */
    private static String unescape(String s) {
        return s.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&#39;", "'")
                .replace("&nbsp;", "\u00a0").replace("&amp;", "&");
    }

    private static boolean close(int rgb, int target) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((target >> shift) & 0xff)) > 6) {
                return false;
            }
        }
        return true;
    }
}
