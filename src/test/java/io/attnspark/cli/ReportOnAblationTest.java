package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code report} on the tables of a real (tiny) {@code ablate} job with an extra axis: one baseline per axis value. */
class ReportOnAblationTest {

    @Test
    void reportsARealAblation(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("table").toString();
        TestImages.writeTable(spark, table, 130, 30, 10, 4);
        String out = dir.resolve("ablation").toString();
        assertEquals(0, Main.run("ablate", "data.table=\"" + table + "\"", "output.path=\"" + out + "\"",
                "model.depth=8", "train.epochs=2", "train.batch-size=16", "train.warmup-epochs=0.25",
                "train.eval-batch-size=64", "sync.shards=2", "checkpoint.every=1",
                "ablation.variants=[{name=baseline, model.attention=none},{name=se, model.attention=se}]",
                "ablation.seeds=[1,2]", "ablation.axes={\"sync.every\"=[2,4]}"));
        Path html = dir.resolve("report.html");
        assertEquals(0, Main.run("report", "--results", out, "--out", html.toString()));
        String page = Files.readString(html);
        for (String id : List.of("accuracy-vs-params", "learning-curves", "throughput")) {
            int at = page.indexOf("id=\"" + id + "\"");
            String svg = page.substring(page.lastIndexOf("<svg", at), page.indexOf("</svg>", at));
            List<String> series = new ArrayList<>();
            Matcher m = Pattern.compile("<g class=\"series\" data-variant=\"([^\"]*)\"").matcher(svg);
            while (m.find()) {
                series.add(m.group(1));
            }
            assertEquals(4, series.size(), id + ": " + series);
        }
        assertTrue(page.contains("<dt>compared with</dt><dd>baseline sync.every=2, baseline sync.every=4</dd>"), page);
        assertEquals(2, page.split("class=\"baseline\"", -1).length - 1, "two baseline rows");
    }
}
