package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.data.BadInputException;
import io.attnspark.distributed.ImageTable;
import io.attnspark.data.PngCodec;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.score.ScoreJob;
import io.attnspark.score.ScoringInput;
import io.attnspark.score.ScoringModel;
import io.attnspark.train.Replica;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreCommandTest {

    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 12, 12, List.of("left", "middle", "right"), new float[] {0.3f},
                    new float[] {0.25f}));

    private static String savedModel(Path dir) {
        String path = dir.resolve("model").toString();
        ScoringModel.of(SPEC, Replica.initialParameters(SPEC, 3)).save(path, new Configuration());
        return path;
    }

    private static List<String> names(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Runs a command, returning its exit code and what it printed to stderr. */
    private static String runForError(int expectedCode, String... args) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(expectedCode, Main.run(args));
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void scoresATableWithAModelTrainedByTheTrainJobAndARerunReplacesTheTable(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String table = dir.resolve("images").toString();
        String run = dir.resolve("run").toString();
        TestImages.writeTable(spark, table, 96, 32, 12, 5);
        assertEquals(0, Main.run("train", "data.table=\"" + table + "\"", "output.path=\"" + run + "\"",
                "model.depth=8", "sync.shards=2", "sync.every=2", "train.batch-size=8", "train.epochs=2",
                "train.lr=0.05", "train.warmup-epochs=0"));
        String out = dir.resolve("predictions").toString();
        for (int attempt = 0; attempt < 2; attempt++) {
            assertEquals(0, Main.run("score", "--model", run + "/model", "--input", table, "--out", out,
                    "--top-k", "2", "--batch-size", "16", "--master", "local[2]"));
        }
        Dataset<Row> predictions = spark.read().parquet(out);
        assertEquals(List.of("id", "labels", "indices", "probabilities", "model_id", "error"),
                List.of(predictions.schema().fieldNames()));
        assertEquals(128, predictions.count(), "one row per input row, not duplicated by the rerun");
        assertEquals(0, predictions.filter("error IS NOT NULL").count());
        Set<String> ids = new HashSet<>(predictions.select("id").as(Encoders.STRING()).collectAsList());
        assertEquals(new HashSet<>(ImageTable.read(spark, table).select("id").as(Encoders.STRING()).collectAsList()), ids);
        String modelId = predictions.select("model_id").distinct().as(Encoders.STRING()).collectAsList().get(0);
        assertTrue(modelId.startsWith("resnet-cifar-8@"), modelId);
        assertEquals(ScoringModel.load(run + "/model", new Configuration()).id(), modelId);
        // The trained model learned the bars: top-1 agrees with the label on most test images.
        double accuracy = predictions.join(ImageTable.read(spark, table), "id")
                .filter("split = 'test'")
                .select(functions.avg(functions.expr("CAST(indices[0] = label AS DOUBLE)"))).first().getDouble(0);
        assertTrue(accuracy > 0.6, "test top-1 " + accuracy);
        assertEquals(List.of("images", "predictions", "run"), names(dir), "no temporary tables left");

        // The same float32 model scored in bfloat16 (float32 on a CPU without it): distributions, mostly the same top-1.
        String bf16 = dir.resolve("predictions-bf16").toString();
        assertEquals(0, Main.run("score", "--model", run + "/model", "--input", table, "--out", bf16,
                "--top-k", "3", "--precision", "bfloat16", "--master", "local[2]"));
        Dataset<Row> half = spark.read().parquet(bf16);
        assertEquals(128, half.count());
        assertEquals(0, half.filter("error IS NOT NULL").count());
        for (Row r : half.select("probabilities").collectAsList()) {
            double sum = r.<Float>getList(0).stream().mapToDouble(Float::doubleValue).sum();
            assertEquals(1.0, sum, 1e-4, "probabilities over all 3 classes");
        }
        double agreement = half.as("h").join(predictions.as("f"), "id")
                .select(functions.avg(functions.expr("CAST(h.indices[0] = f.indices[0] AS DOUBLE)"))).first()
                .getDouble(0);
        assertTrue(agreement >= 0.9, "top-1 agrees with float32's on " + agreement);
    }

    @Test
    void scoresAFolderOfImagesWithErrorRowsForBadFiles(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("images");
        Files.createDirectories(images.resolve("a/deeper"));
        Files.createDirectories(images.resolve("b"));
        byte[] pixels = new byte[144];
        Files.write(images.resolve("a/one.png"), PngCodec.encode(pixels, 1, 12, 12));
        Files.write(images.resolve("a/deeper/two.png"), PngCodec.encode(pixels, 1, 12, 12));
        Files.write(images.resolve("b/three.PNG"), PngCodec.encode(pixels, 1, 12, 12));
        Files.write(images.resolve("b/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Files.write(images.resolve("b/wide.png"), PngCodec.encode(new byte[3 * 144], 3, 12, 12));
        Files.writeString(images.resolve("README.txt"), "not an image");
        Files.write(images.resolve("b/.hidden.png"), PngCodec.encode(pixels, 1, 12, 12));
        String out = dir.resolve("predictions").toString();
        assertEquals(0, Main.run("score", "--model", savedModel(dir), "--input", images.toString(), "--out", out,
                "--master", "local[2]"));
        SparkSession spark = TestSpark.session();
        Dataset<Row> predictions = spark.read().parquet(out);
        assertEquals(Set.of("a/one.png", "a/deeper/two.png", "b/three.PNG", "b/broken.png", "b/wide.png"),
                new HashSet<>(predictions.select("id").as(Encoders.STRING()).collectAsList()));
        assertEquals(3, predictions.filter("error IS NULL").first().getList(1).size(), "top-k: 5, capped at the 3 classes");
        List<Row> errors = predictions.filter("error IS NOT NULL").orderBy("id").collectAsList();
        assertEquals(2, errors.size());
        assertTrue(errors.get(0).getString(5).contains("b/broken.png"), errors.get(0).getString(5));
        assertTrue(errors.get(1).getString(5).contains("3x12x12"), errors.get(1).getString(5));
    }

    @Test
    void withAnInputSizeImagesOfAnySizeAndKindScore(@TempDir Path dir) throws Exception {
        Path images = dir.resolve("mixed");
        Files.createDirectories(images);
        Files.write(images.resolve("small-gray.png"), PngCodec.encode(new byte[7 * 9], 1, 7, 9));
        Files.write(images.resolve("wide-colour.png"), PngCodec.encode(new byte[3 * 20 * 45], 3, 20, 45));
        Files.write(images.resolve("exact.png"), PngCodec.encode(new byte[144], 1, 12, 12));
        Files.write(images.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        String model = savedModel(dir);
        String out = dir.resolve("predictions").toString();
        assertEquals(0, Main.run("score", "--model", model, "--input", images.toString(), "--out", out,
                "--input-size", "12,12", "--master", "local[2]"));
        Dataset<Row> predictions = TestSpark.session().read().parquet(out);
        assertEquals(List.of("broken.png"),
                predictions.filter("error IS NOT NULL").select("id").as(Encoders.STRING()).collectAsList());
        assertEquals(3, predictions.filter("error IS NULL").count(), "resized and centre-cropped to 12x12");

        String wrong = runForError(2, "score", "--model", model, "--input", images.toString(), "--out", out,
                "--input-size", "10,10", "--master", "local[2]");
        assertTrue(wrong.contains("--input-size") && wrong.contains("12x12"), wrong);
        assertTrue(runForError(2, "score", "--model", model, "--input", images.toString(), "--out", out,
                "--input-size", "12", "--master", "local[2]").contains("--input-size"));
    }

    @Test
    void badOptionsAndInputsExitWithCodeTwoNamingTheProblem(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String model = savedModel(dir);
        String table = dir.resolve("images").toString();
        TestImages.writeTable(spark, table, 8, 0, 12, 1);
        String out = dir.resolve("predictions").toString();
        assertTrue(runForError(2, "score", "--model", dir.resolve("nope").toString(), "--input", table, "--out", out)
                .contains("missing model"));
        assertTrue(runForError(2, "score", "--model", model, "--input", dir.resolve("nothing").toString(), "--out", out)
                .contains("missing input"));
        assertTrue(runForError(2, "score", "--model", model, "--input", table, "--out", out, "--top-k", "0")
                .contains("--top-k = 0"));
        assertTrue(runForError(2, "score", "--model", model, "--input", table, "--out", out, "--top-k", "4")
                .contains("3 classes"));
        assertTrue(runForError(2, "score", "--model", model, "--input", table, "--out", out, "--batch-size", "0")
                .contains("--batch-size = 0"));
        String precision = runForError(2, "score", "--model", model, "--input", table, "--out", out,
                "--precision", "fp16");
        assertTrue(precision.contains("--precision") && precision.contains("'fp16'") && precision.contains("bfloat16"),
                precision);
        String noColumn = runForError(2, "score", "--model", model, "--input", table, "--out", out, "--image-col", "png");
        assertTrue(noColumn.contains("no column 'png'") && noColumn.contains("[id string, label int, image binary"),
                noColumn);
        assertTrue(runForError(2, "score", "--model", model, "--input", table, "--out", out, "--image-col", "label")
                .contains("column 'label' is int"));
        assertTrue(runForError(2, "score", "--model", model, "--input", table, "--out", out, "--id-col", "key")
                .contains("no column 'key'"));
        Files.createDirectories(dir.resolve("empty/sub"));
        Files.writeString(dir.resolve("empty/sub/notes.txt"), "no images here");
        assertTrue(runForError(2, "score", "--model", model, "--input", dir.resolve("empty").toString(), "--out", out)
                .contains("holds no .png"));
        assertTrue(names(dir).stream().noneMatch(n -> n.startsWith("predictions")), "nothing written: " + names(dir));
    }

    @Test
    void aFailingJobKeepsTheEarlierTable(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        String model = savedModel(dir);
        String table = dir.resolve("images").toString();
        TestImages.writeTable(spark, table, 20, 0, 12, 1);
        String out = dir.resolve("predictions").toString();
        assertEquals(0, Main.run("score", "--model", model, "--input", table, "--out", out, "--master", "local[2]"));
        List<String> before = names(Path.of(out));
        // A model that cannot be read: a truncated parameter file.
        Path broken = dir.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(Path.of(model, "spec.json"), broken.resolve("spec.json"));
        byte[] params = Files.readAllBytes(Path.of(model, "parameters.bin"));
        Files.write(broken.resolve("parameters.bin"), java.util.Arrays.copyOf(params, params.length / 2));
        assertTrue(runForError(2, "score", "--model", broken.toString(), "--input", table, "--out", out)
                .contains("truncated"));
        assertEquals(before, names(Path.of(out)));
        assertEquals(20, spark.read().parquet(out).count());
        assertEquals(List.of("broken", "images", "model", "predictions"), names(dir));
    }

    @Test
    void anyTableWithAnImageBytesColumnCanBeScored(@TempDir Path dir) {
        SparkSession spark = TestSpark.session();
        String images = dir.resolve("images").toString();
        TestImages.writeTable(spark, images, 10, 0, 12, 2);
        String other = dir.resolve("other").toString();
        ImageTable.read(spark, images).select(functions.monotonically_increasing_id().as("key"),
                functions.col("image").as("png"), functions.lit("extra").as("comment")).write().parquet(other);
        ScoringModel model = ScoringModel.load(savedModel(dir), new Configuration());
        String out = dir.resolve("predictions").toString();
        ScoreJob.Outcome o = new ScoreJob(spark, new ScoreJob.Settings(other, ScoringInput.Format.AUTO, "key", "png",
                out, 1, 4, 3)).run(model);
        assertEquals(10, o.rowsIn());
        assertEquals(10, o.written().rows());
        assertEquals(10, o.written().scored());
        assertEquals("table", o.inputKind());
        assertEquals(List.of("id", "labels", "indices", "probabilities", "model_id", "error"),
                List.of(spark.read().parquet(out).schema().fieldNames()), "extra columns are not copied");
        BadInputException e = assertThrows(BadInputException.class, () -> new ScoreJob(spark,
                new ScoreJob.Settings(other, ScoringInput.Format.TABLE, "key", "image", out, 1, 4, 0)).run(model));
        assertTrue(e.getMessage().contains("'image'") && e.getMessage().contains("png binary"), e.getMessage());
    }
}
