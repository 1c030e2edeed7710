package io.attnspark.score;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.attnspark.TestSpark;
import io.attnspark.data.DecodedImage;
import io.attnspark.data.PngCodec;
import io.attnspark.train.Replica;
import io.attnspark.train.TorchRuntime;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttentionCnnModelTest {

    private static final int ROWS = 120;

    @Test
    void everyRowComesOutOnceWithErrorsForBadImagesAndInputColumnsKept() {
        SparkSession spark = TestSpark.session();
        ScoringModel model = ScoreFixtures.model();
        Dataset<Row> out = new AttentionCnnModel(model).setTopK(2).setBatchSize(16)
                .transform(ScoreFixtures.frame(spark, ScoreFixtures.rows(ROWS, 1), 3));
        assertEquals(List.of("id", "image", "note", "prediction"), List.of(out.schema().fieldNames()));
        List<Row> rows = out.collectAsList();
        assertEquals(ROWS, rows.size());
        for (Row row : rows) {
            int i = row.getInt(2);
            Row p = row.getStruct(3);
            assertEquals(model.id(), p.getString(p.fieldIndex("model_id")));
            if (ScoreFixtures.valid(i)) {
                assertNull(p.get(p.fieldIndex("error")), row.getString(0));
                assertEquals(2, p.getList(p.fieldIndex("labels")).size());
            } else {
                String error = p.getString(p.fieldIndex("error"));
                assertNotNull(error, row.getString(0));
                assertTrue(error.contains(row.getString(0)), error);
                assertNull(p.get(p.fieldIndex("probabilities")));
                if (i % 7 == 3) {
                    assertTrue(error.contains("not a readable PNG"), error);
                } else if (i % 11 == 5) {
                    assertTrue(error.contains("not a JPEG, PNG"), error);
                } else if (i % 13 == 6) {
                    assertTrue(error.contains("no image"), error);
                } else {
                    assertTrue(error.contains("3x12x12") && error.contains("takes 1x12x12"), error);
                }
            }
        }
    }

    @Test
    void predictionsEqualASingleProcessLoopOverTheSameImages() {
        SparkSession spark = TestSpark.session();
        ScoringModel model = ScoreFixtures.model();
        List<Row> input = ScoreFixtures.rows(ROWS, 2);
        int classes = model.spec().classes();
        Dataset<Row> out = new AttentionCnnModel(model).setTopK(classes).setBatchSize(8)
                .transform(ScoreFixtures.frame(spark, input, 2));
        Map<String, Row> byId = new HashMap<>();
        for (Row row : out.collectAsList()) {
            byId.put(row.getString(0), row.getStruct(3));
        }

        // The reference: a plain loop on one replica, its own normalisation, batches of 5.
        TorchRuntime.useIntraOpThreads(1);
        List<Row> valid = input.stream().filter(r -> ScoreFixtures.valid(r.getInt(2))).toList();
        int plane = ScoreFixtures.SIZE * ScoreFixtures.SIZE;
        try (Replica replica = Replica.create(model.spec(), Device.cpu())) {
            replica.setState(model.parameters(), null);
            for (int from = 0; from < valid.size(); from += 5) {
                int n = Math.min(5, valid.size() - from);
                float[] batch = new float[n * plane];
                for (int b = 0; b < n; b++) {
                    DecodedImage image = PngCodec.decode((byte[]) valid.get(from + b).get(1));
                    for (int i = 0; i < plane; i++) {
                        batch[b * plane + i] = (float) (((image.pixels()[i] & 0xFF) / 255.0 - 0.3f) / 0.25f);
                    }
                }
                float[] expected = replica.predict(batch, n);
                for (int b = 0; b < n; b++) {
                    Row p = byId.get(valid.get(from + b).getString(0));
                    List<Integer> indices = p.getList(p.fieldIndex("indices"));
                    List<Float> probabilities = p.getList(p.fieldIndex("probabilities"));
                    List<String> labels = p.getList(p.fieldIndex("labels"));
                    float[] sorted = new float[classes];
                    int argmax = 0;
                    for (int c = 0; c < classes; c++) {
                        int k = indices.get(c);
                        assertEquals(expected[b * classes + k], probabilities.get(c), 1e-5);
                        assertEquals(model.spec().classNames().get(k), labels.get(c));
                        sorted[c] = probabilities.get(c);
                        if (expected[b * classes + c] > expected[b * classes + argmax]) {
                            argmax = c;
                        }
                    }
                    assertEquals(argmax, indices.get(0), "top-1 is the argmax");
                    for (int c = 1; c < classes; c++) {
                        assertTrue(sorted[c - 1] >= sorted[c], "most probable first");
                    }
                }
            }
        }
    }

    @Test
    void saveAndLoadRoundTripKeepsParamsAndPredictions(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        AttentionCnnModel stage = new AttentionCnnModel(ScoreFixtures.model())
                .setTopK(3).setBatchSize(4).setOutputCol("scored").setInputCol("image");
        String path = dir.resolve("stage").toString();
        stage.write().save(path);
        AttentionCnnModel loaded = AttentionCnnModel.load(path);
        assertEquals(stage.uid(), loaded.uid());
        assertEquals(3, loaded.getTopK());
        assertEquals(4, loaded.getBatchSize());
        assertEquals("scored", loaded.getOutputCol());
        assertEquals(stage.model().id(), loaded.model().id());
        assertArrayEquals(stage.model().parameters(), loaded.model().parameters());

        Dataset<Row> input = ScoreFixtures.frame(spark, ScoreFixtures.rows(30, 3), 1);
        List<Row> a = stage.transform(input).orderBy("id").select("id", "scored").collectAsList();
        List<Row> b = loaded.transform(input).orderBy("id").select("id", "scored").collectAsList();
        assertEquals(a, b);

        // In a Pipeline, fitted and saved as a PipelineModel.
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {stage}).fit(input);
        fitted.write().overwrite().save(dir.resolve("pipeline").toString());
        PipelineModel reloaded = PipelineModel.load(dir.resolve("pipeline").toString());
        assertTrue(reloaded.stages()[0] instanceof AttentionCnnModel);
        assertEquals(a, reloaded.transform(input).orderBy("id").select("id", "scored").collectAsList());
    }

    @Test
    void bfloat16ScoresNearFloat32AndThePrecisionIsSavedWithTheStage(@TempDir Path dir) throws Exception {
        SparkSession spark = TestSpark.session();
        ScoringModel model = ScoreFixtures.model();
        Dataset<Row> input = ScoreFixtures.frame(spark, ScoreFixtures.rows(40, 4), 2);
        AttentionCnnModel f32 = new AttentionCnnModel(model).setTopK(3).setBatchSize(8);
        AttentionCnnModel bf16 = f32.copy(new org.apache.spark.ml.param.ParamMap()).setPrecision("bfloat16");
        assertEquals("float32", f32.getPrecision(), "float32 by default");
        Map<String, Row> a = new HashMap<>();
        for (Row row : f32.transform(input).filter("prediction.error IS NULL").collectAsList()) {
            a.put(row.getString(0), row.getStruct(3));
        }
        List<Row> b = bf16.transform(input).filter("prediction.error IS NULL").collectAsList();
        assertEquals(a.size(), b.size());
        for (Row row : b) {
            Row p = row.getStruct(3);
            Row q = a.get(row.getString(0));
            List<Integer> indices = p.getList(p.fieldIndex("indices"));
            List<Float> probabilities = p.getList(p.fieldIndex("probabilities"));
            assertEquals(1.0, probabilities.stream().mapToDouble(Float::doubleValue).sum(), 1e-4);
            List<Integer> reference = q.getList(q.fieldIndex("indices"));
            List<Float> referenceP = q.getList(q.fieldIndex("probabilities"));
            for (int c = 0; c < 3; c++) {
                float expected = referenceP.get(reference.indexOf(indices.get(c)));
                assertEquals(expected, probabilities.get(c), 0.05, row.getString(0) + " class " + indices.get(c));
            }
        }

        String path = dir.resolve("stage").toString();
        bf16.write().save(path);
        assertEquals("bfloat16", AttentionCnnModel.load(path).getPrecision());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> f32.setPrecision("half"));
        assertTrue(bad.getMessage().contains("precision") && bad.getMessage().contains("'half'"), bad.getMessage());
    }

    @Test
    void transformSchemaValidatesTheColumnsAndTopK() {
        AttentionCnnModel stage = new AttentionCnnModel(ScoreFixtures.model());
        StructType ok = ScoreFixtures.SCHEMA;
        assertEquals("prediction", stage.transformSchema(ok).fieldNames()[3]);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("pixels").transformSchema(ok));
        assertTrue(missing.getMessage().contains("'pixels'") && missing.getMessage().contains("note"),
                missing.getMessage());
        IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setInputCol("note").transformSchema(ok));
        assertTrue(wrongType.getMessage().contains("int") && wrongType.getMessage().contains("binary"),
                wrongType.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setOutputCol("note").transformSchema(ok));
        IllegalArgumentException topK = assertThrows(IllegalArgumentException.class,
                () -> stage.copy(new org.apache.spark.ml.param.ParamMap()).setTopK(4).transformSchema(ok));
        assertTrue(topK.getMessage().contains("3 classes"), topK.getMessage());
        assertThrows(IllegalArgumentException.class, () -> stage.setTopK(0));
        assertThrows(IllegalArgumentException.class, () -> stage.setBatchSize(0));
        assertEquals(3, stage.getTopK(), "default: 5, or all classes if fewer; a rejected value leaves it so");
    }

    @Test
    void theNetworkIsLoadedOncePerJvmAndDeviceAcrossTasksAndJobs() {
        SparkSession spark = TestSpark.session();
        ScoringModel model = ScoringModel.of(ScoreFixtures.SPEC, Replica.initialParameters(ScoreFixtures.SPEC, 11));
        Dataset<Row> input = ScoreFixtures.frame(spark, ScoreFixtures.rows(40, 4), 4);
        long before = LoadedModels.loads();
        AttentionCnnModel stage = new AttentionCnnModel(model);
        assertEquals(40, stage.transform(input).count());
        assertEquals(40, stage.transform(input).count());
        assertEquals(40, new AttentionCnnModel(model).setBatchSize(3).transform(input).count());
        assertEquals(before + 1, LoadedModels.loads(), "4 tasks x 3 jobs, one load (one JVM, CPU)");
    }
}
