package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.TestImages;
import io.attnspark.TestSpark;
import io.attnspark.data.BadInputException;
import io.attnspark.distributed.DataSettings;
import io.attnspark.distributed.TrainJob;
import io.attnspark.model.AttentionPlacement;
import io.attnspark.train.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainCommandTest {

    private static TrainJob.Settings settings(String... overrides) {
        return TrainCommand.settings(JobConfig.load(TrainCommand.DEFAULTS, null, List.of(overrides)));
    }

    @Test
    void jobFileGivesTheRunsSettings() {
        TrainJob.Settings s = TrainCommand.settings(JobConfig.load(TrainCommand.DEFAULTS,
                Path.of("conf/train-fmnist.conf").toFile(), List.of("sync.every=50", "sync.server-momentum=0.5")));
        assertEquals(20, s.model().depth());
        assertEquals(2, s.shards());
        assertEquals(50, s.sync().every());
        assertEquals(0.5, s.sync().serverMomentum());
        assertEquals(0, s.sync().warmupRounds());
        assertTrue(s.config().json().contains("\"every\":50"), s.config().json());
        assertEquals("50", s.config().flat().get("sync.every"));
    }

    @Test
    void unknownKeyIsNamedWithTheValidOnes() {
        ConfigError e = assertThrows(ConfigError.class, () -> settings("sync.evry=5"));
        assertTrue(e.getMessage().contains("sync.evry") && e.getMessage().contains("sync.every"), e.getMessage());
    }

    @Test
    void unknownKeyInAFileNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, "train { epoch = 3 }\n");
        ConfigError e = assertThrows(ConfigError.class,
                () -> JobConfig.load(TrainCommand.DEFAULTS, file.toFile(), List.of()));
        assertTrue(e.getMessage().contains("train.epoch") && e.getMessage().contains("bad.conf"), e.getMessage());
    }

    @Test
    void wrongTypeIsNamed() {
        ConfigError e = assertThrows(ConfigError.class, () -> settings("train.batch-size=big"));
        assertTrue(e.getMessage().contains("train.batch-size"), e.getMessage());
    }

    @Test
    void serverMomentumOfOneIsRejected() {
        ConfigError e = assertThrows(ConfigError.class, () -> settings("sync.server-momentum=1"));
        assertTrue(e.getMessage().contains("sync.server-momentum = 1.0"), e.getMessage());
    }

    @Test
    void syncEveryBelowOneIsRejected() {
        ConfigError e = assertThrows(ConfigError.class, () -> settings("sync.every=0"));
        assertTrue(e.getMessage().contains("sync.every = 0"), e.getMessage());
    }

    @Test
    void syncMethodSlicesAndWireAreReadAndCheckedNamingTheKey() {
        TrainJob.Settings s = settings("sync.method=sharded", "sync.slices=3", "sync.wire=bfloat16");
        assertEquals(io.attnspark.distributed.SyncMethod.SHARDED, s.sync().method());
        assertEquals(3, s.sync().slices());
        assertEquals(io.attnspark.distributed.WireFormat.BFLOAT16, s.sync().wire());
        ConfigError method = assertThrows(ConfigError.class, () -> settings("sync.method=ring"));
        assertTrue(method.getMessage().contains("sync.method") && method.getMessage().contains("ring"),
                method.getMessage());
        ConfigError wire = assertThrows(ConfigError.class, () -> settings("sync.wire=fp16"));
        assertTrue(wire.getMessage().contains("sync.wire") && wire.getMessage().contains("fp16"), wire.getMessage());
        ConfigError slices = assertThrows(ConfigError.class, () -> settings("sync.slices=-1"));
        assertTrue(slices.getMessage().contains("sync.slices"), slices.getMessage());
        ConfigError treeBf16 = assertThrows(ConfigError.class, () -> settings("sync.wire=bfloat16"));
        assertTrue(treeBf16.getMessage().contains("sync.method = sharded"), treeBf16.getMessage());
    }

    @Test
    void precisionIsReadStoredWithTheRunAndCheckedNamingTheKey() {
        assertEquals(Precision.FLOAT32, settings().train().precision(), "float32 by default");
        TrainJob.Settings s = settings("train.precision=bfloat16");
        assertEquals(Precision.BFLOAT16, s.train().precision());
        assertEquals("bfloat16", s.config().flat().get("train.precision"), "the stored config has the precision");
        assertTrue(s.config().json().contains("\"precision\":\"bfloat16\""), s.config().json());
        assertEquals("float32", settings().config().flat().get("train.precision"));
        assertEquals(Precision.FLOAT32, TrainCommand.settings(JobConfig.load(TrainCommand.DEFAULTS,
                Path.of("conf/train-fmnist.conf").toFile(), List.of())).train().precision(), "the job file's default");
        ConfigError e = assertThrows(ConfigError.class, () -> settings("train.precision=fp16"));
        assertTrue(e.getMessage().contains("train.precision") && e.getMessage().contains("fp16")
                && e.getMessage().contains("bfloat16"), e.getMessage());
        assertEquals(2, Main.run("train", "train.precision=half"), "exit code 2 before any work");
    }

    @Test
    void dataAndAugmentationKeysForImagesOfAnySizeAreReadAndCheckedNamingTheKey() {
        TrainJob.Settings s = settings("data.input-size=[64, 48]", "data.decode-threads=3", "data.cache-decoded=false",
                "train.augment.random-resized-crop=true", "train.augment.crop-scale=[0.35, 1]");
        assertEquals(new DataSettings.InputSize(64, 48), s.data().input());
        assertEquals(3, s.data().decodeThreads());
        assertEquals(DataSettings.CacheDecoded.FALSE, s.data().cacheDecoded());
        assertTrue(s.train().augment().randomResizedCrop().toString().contains("scale [0.35, 1.0]"),
                s.train().augment().randomResizedCrop().toString());
        assertEquals(null, settings().train().augment().randomResizedCrop(), "off by default");
        for (String[] bad : new String[][] {
            {"data.input-size=[64]", "data.input-size"},
            {"data.input-size=[4, 4]", "data.input-size"},
            {"data.decode-threads=0", "data.decode-threads"},
            {"data.cache-decoded=sometimes", "data.cache-decoded"},
            {"train.augment.crop-scale=[0.5]", "train.augment.crop-scale"},
            {"train.augment.crop-scale=[0.9, 0.5]", "crop-scale"},
            {"train.augment.crop-ratio=[0, 1]", "crop-ratio"},
        }) {
            String[] args = bad[0].startsWith("train.augment.crop-")
                    ? new String[] {bad[0], "train.augment.random-resized-crop=true"} : new String[] {bad[0]};
            ConfigError e = assertThrows(ConfigError.class, () -> settings(args), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), bad[0] + ": " + e.getMessage());
        }
    }

    @Test
    void badDepthAndMissingFileAreRejected() {
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.depth=18")).getMessage().contains("model.depth"));
        ConfigError e = assertThrows(ConfigError.class,
                () -> JobConfig.load(TrainCommand.DEFAULTS, Path.of("no/such.conf").toFile(), List.of()));
        assertTrue(e.getMessage().contains("no/such.conf"), e.getMessage());
    }

    @Test
    void badConfigExitsWithCodeTwoBeforeAnyWork() {
        assertEquals(2, Main.run("train", "sync.every=0"));
        assertEquals(2, Main.run("train", "no-equals-sign"));
    }

    @Test
    void moreShardsThanTrainingImagesIsRejectedBeforeTraining(@TempDir Path dir) {
        String table = dir.resolve("tiny").toString();
        TestImages.writeTable(TestSpark.session(), table, 3, 2, 8, 1);
        TrainJob.Settings s = settings("data.table=\"" + table + "\"", "output.path=\"" + dir.resolve("out") + "\"",
                "sync.shards=4", "train.batch-size=1");
        BadInputException e = assertThrows(BadInputException.class, () -> new TrainJob(TestSpark.session(), s).run(null));
        assertTrue(e.getMessage().contains("3 training images") && e.getMessage().contains("4 shards"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("out")), "nothing written");
    }

    @Test
    void attentionWithPlacementAndOptionsBecomesSettings() {
        TrainJob.Settings s = settings("model.attention=se", "model.placement.stages=[2,3]",
                "model.attention-options.rd_ratio=0.25", "model.zero-init-residual=true");
        assertEquals("se", s.model().attention());
        assertEquals(List.of(2, 3), s.model().placement().stages());
        assertEquals(AttentionPlacement.Position.BRANCH, s.model().placement().position());
        assertEquals(0.25, s.model().placement().attentionOptions().getDouble("rd_ratio", 0));
        assertTrue(s.model().zeroInitResidual());
        assertEquals(null, settings("model.attention=none").model().placement());
        TrainJob.Settings nl = settings("model.attention=nonlocal", "model.backbone=resnet", "model.depth=18");
        assertEquals(AttentionPlacement.Blocks.EVERY_OTHER, nl.model().placement().blocks());
    }

    @Test
    void badAttentionSettingsNameTheKey() {
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.attention=sqeeze")).getMessage()
                .contains("model.attention = sqeeze"));
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.attention=se",
                "model.placement.position=fusion")).getMessage().contains("model.attention = se"));
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.attention=se",
                "model.placement.position=inside")).getMessage().contains("model.placement.position = inside"));
        ConfigError e = assertThrows(ConfigError.class, () -> settings("model.attention=se",
                "model.attention-options.rd_ratoi=0.25"));
        assertTrue(e.getMessage().contains("rd_ratoi") && e.getMessage().contains("rd_ratio"), e.getMessage());
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.attention-options.r=4")).getMessage()
                .contains("model.attention-options"));
        assertTrue(assertThrows(ConfigError.class, () -> settings("model.backbone=resnet", "model.depth=20"))
                .getMessage().contains("model.depth = 20"));
    }

    @Test
    void trainJobTrainsAnAttentionVariant(@TempDir Path dir) {
        String table = dir.resolve("tiny").toString();
        TestImages.writeTable(TestSpark.session(), table, 32, 8, 12, 5);
        TrainJob.Settings s = settings("data.table=\"" + table + "\"", "output.path=\"" + dir.resolve("out") + "\"",
                "model.depth=8", "model.attention=cbam", "sync.shards=2", "sync.every=1", "train.batch-size=8",
                "train.epochs=1", "train.warmup-epochs=0");
        TrainJob.Outcome outcome = new TrainJob(TestSpark.session(), s).run(null);
        assertEquals(2, outcome.result().rounds().size());
        assertTrue(Double.isFinite(outcome.result().rounds().get(1).loss()));
        String spec = TestSpark.session().read().parquet(dir.resolve("out/tables/runs").toString())
                .select("model").first().getString(0);
        assertEquals("resnet-cifar-8+cbam", spec);
    }
}
