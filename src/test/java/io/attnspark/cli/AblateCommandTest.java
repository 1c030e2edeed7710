package io.attnspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.attnspark.ablation.AblationPlan;
import io.attnspark.ablation.AblationRunner;
import io.attnspark.ablation.ParallelCells;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ablate job's config: grid expansion through HOCON, per-cell settings and run ids, bad grids. */
class AblateCommandTest {

    private static JobConfig config(String... overrides) {
        return JobConfig.load(AblateCommand.DEFAULTS, Path.of("conf/ablation-fmnist.conf").toFile(), List.of(overrides));
    }

    @Test
    void quickAblationIsFiveVariantsTimesTwoSeeds() {
        AblationPlan plan = AblateCommand.plan(config());
        assertEquals(List.of("baseline", "se", "gc", "a2", "iaff"), plan.variants());
        assertEquals(10, plan.cells().size());
        List<AblationRunner.PlannedCell> cells =
                AblateCommand.cells(plan, config().without("ablation"), "runs/ablation-fmnist");
        AblationRunner.PlannedCell se2 = cells.get(3);
        assertEquals("se", se2.settings().model().attention());
        assertEquals(2, se2.settings().train().seed());
        assertEquals(20, se2.settings().model().depth());
        assertTrue(se2.settings().checkpoint().resume(), "a cell continues from its checkpoints");
        assertEquals("runs/ablation-fmnist/cells/" + se2.runId(), se2.settings().output());
        assertTrue(se2.runId().startsWith("se-s2-"), se2.runId());
        assertTrue(!se2.settings().config().json().contains("variants"), "the cell's stored config has no grid");
    }

    @Test
    void fullAblationCoversAllSeventeenModulesTimesThreeSeeds() {
        JobConfig full = JobConfig.load(AblateCommand.DEFAULTS, Path.of("conf/ablation-full.conf").toFile(), List.of());
        AblationPlan plan = AblateCommand.plan(full);
        assertEquals(18, plan.variants().size(), "baseline and 17 modules");
        assertEquals(54, plan.cells().size());
        AblateCommand.cells(plan, full.without("ablation"), "out"); // every cell's settings validate
    }

    @Test
    void runIdsIgnoreTheOutputPathButNotTheTraining() {
        AblationPlan plan = AblateCommand.plan(config());
        String a = AblateCommand.cells(plan, config().without("ablation"), "a").get(0).runId();
        String b = AblateCommand.cells(plan, config().without("ablation"), "b").get(0).runId();
        String c = AblateCommand.cells(AblateCommand.plan(config("train.epochs=3")),
                config("train.epochs=3").without("ablation"), "a").get(0).runId();
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    /**
     * The run ids of the quick ablation's cells as the code before {@code train.precision} computed them
     * (commit c3eb4dd): a float32 ablation started again must recognise the cells those jobs finished.
     * A new key in the defaults changes them too: keep such a key out of {@link AblateCommand#identity}
     * at its default, as precision is, or accept that earlier ablations run every cell again.
     */
    private static final List<String> RUN_IDS_BEFORE_PRECISION = List.of(
            "baseline-s1-04fb50a6", "baseline-s2-48c48b24", "se-s1-58a7f915", "se-s2-dc5be705", "gc-s1-d11f068d",
            "gc-s2-f658cd92", "a2-s1-64c91a4e", "a2-s2-5aa76dd1", "iaff-s1-29c28df8", "iaff-s2-442e2b41");

    private static List<String> runIds(String... overrides) {
        JobConfig c = config(overrides);
        return AblateCommand.cells(AblateCommand.plan(c), c.without("ablation"), "out").stream()
                .map(AblationRunner.PlannedCell::runId).toList();
    }

    @Test
    void float32CellsKeepTheirRunIdsAndBfloat16CellsGetTheirOwn() {
        assertEquals(RUN_IDS_BEFORE_PRECISION, runIds());
        assertEquals(RUN_IDS_BEFORE_PRECISION, runIds("train.precision=float32"));
        List<String> bf16 = runIds("train.precision=bfloat16");
        assertEquals(RUN_IDS_BEFORE_PRECISION.size(), bf16.size());
        for (int i = 0; i < bf16.size(); i++) {
            String float32 = RUN_IDS_BEFORE_PRECISION.get(i);
            assertNotEquals(float32, bf16.get(i), "a bfloat16 cell never counts as the float32 cell finished");
            assertEquals(float32.substring(0, float32.lastIndexOf('-')), bf16.get(i).substring(0,
                    bf16.get(i).lastIndexOf('-')), "same variant and seed, other hash");
        }
        JobConfig c = config("train.precision=bfloat16");
        AblationRunner.PlannedCell cell = AblateCommand.cells(AblateCommand.plan(c), c.without("ablation"), "o").get(0);
        assertEquals(io.attnspark.train.Precision.BFLOAT16, cell.settings().train().precision());
        assertEquals("bfloat16", cell.settings().config().flat().get("train.precision"));
        JobConfig d = config();
        assertEquals("float32", AblateCommand.cells(AblateCommand.plan(d), d.without("ablation"), "o").get(0)
                .settings().config().flat().get("train.precision"), "a float32 cell's stored config names it too");
    }

    @Test
    void precisionAsAnAxisGivesEachPrecisionItsOwnCells() {
        List<String> ids = runIds("ablation.axes={\"train.precision\"=[float32, bfloat16]}", "ablation.seeds=[1]",
                "ablation.variants=[{name=baseline, model.attention=none}]");
        assertEquals(2, ids.size());
        assertNotEquals(ids.get(0), ids.get(1));
    }

    @Test
    void axesAndVariantOptionsReachTheCells() {
        JobConfig c = config("ablation.axes={\"sync.every\"=[5,50]}",
                "ablation.variants=[{name=baseline, model.attention=none},"
                        + "{name=se8, model.attention=se, model.attention-options{rd_ratio=0.125}}]",
                "ablation.seeds=[3]");
        List<AblationRunner.PlannedCell> cells = AblateCommand.cells(AblateCommand.plan(c), c.without("ablation"), "o");
        assertEquals(4, cells.size());
        AblationRunner.PlannedCell last = cells.get(3);
        assertEquals("se8 sync.every=50", last.cell().variant());
        assertEquals(50, last.settings().sync().every());
        assertEquals(0.125, ((Number) last.settings().model().placement().options().get("rd_ratio")).doubleValue());
        assertEquals(3, last.settings().train().seed());
    }

    @Test
    void badGridsNameTheKey() {
        assertError("ablation.variants[1] (name = se) sets unknown key 'model.atention'",
                "ablation.variants=[{name=baseline, model.attention=none},{name=se, model.atention=se}]");
        assertError("ablation.variants[0] has no name", "ablation.variants=[{model.attention=none}]");
        assertError("ablation.axes has unknown key 'sync.evry'", "ablation.axes={\"sync.evry\"=[1]}");
        assertError("ablation.axes.\"sync.every\" must be a list", "ablation.axes={\"sync.every\"=5}");
        assertError("ablation.baseline = plain is not one of the variants", "ablation.baseline=plain");
        assertError("ablation.seeds is empty", "ablation.seeds=[]");
        assertError("unknown key 'ablation.sedes'", "ablation.sedes=[1]");
        assertError("variant se seed 1: model.attention = sse is invalid",
                "ablation.variants=[{name=baseline, model.attention=none},{name=se, model.attention=sse}]",
                "ablation.seeds=[1]");
        assertError("variant baseline seed 1: train.lr = -1", "train.lr=-1", "ablation.seeds=[1]");
        assertError("variant baseline seed 1: train.precision: unknown precision 'fp16'", "train.precision=fp16",
                "ablation.seeds=[1]");
    }

    @Test
    void parallelCellsIsAutoOrAWholeNumberOfCells() {
        assertEquals(ParallelCells.fitting(), AblateCommand.parallelCells(config()), "the default is auto");
        assertEquals(ParallelCells.atMost(3), AblateCommand.parallelCells(config("ablation.parallel-cells=3")));
        assertEquals(ParallelCells.atMost(1), AblateCommand.parallelCells(config("ablation.parallel-cells=\"1\"")));
        assertTrue(ParallelCells.atMost(1).oneAtATime());
        assertEquals(2, ParallelCells.fitting().cellsAtOnce(4, 2), "4 slots, 2 replicas per cell");
        assertEquals(1, ParallelCells.fitting().cellsAtOnce(2, 64), "a cell wider than the cluster: still one");
        assertEquals(3, ParallelCells.atMost(3).cellsAtOnce(64, 4), "a number caps what fits");
        assertEquals(2, ParallelCells.atMost(3).cellsAtOnce(4, 2), "but never more than fit");
    }

    @Test
    void badParallelCellsNamesTheKeyAndTheValue() {
        for (String value : List.of("0", "-2", "1.5", "many", "\"\"")) {
            ConfigError e = assertThrows(ConfigError.class,
                    () -> AblateCommand.parallelCells(config("ablation.parallel-cells=" + value)), value);
            String shown = value.equals("\"\"") ? "" : value;
            assertTrue(e.getMessage().startsWith("ablation.parallel-cells = " + shown + " is invalid: give \"auto\""),
                    e.getMessage());
        }
        ConfigError list = assertThrows(ConfigError.class,
                () -> AblateCommand.parallelCells(config("ablation.parallel-cells=[2]")));
        assertTrue(list.getMessage().contains("ablation.parallel-cells"), list.getMessage());
        assertEquals(2, Main.run("ablate", "--conf", "conf/ablation-fmnist.conf", "ablation.parallel-cells=0"),
                "exit code 2 before Spark starts");
    }

    @Test
    void badGridExitsWithCodeTwoBeforeStartingSpark() {
        assertEquals(2, Main.run("ablate", "--conf", "conf/ablation-fmnist.conf", "ablation.baseline=nobody"));
    }

    private static void assertError(String expected, String... overrides) {
        ConfigError e = assertThrows(ConfigError.class, () -> {
            JobConfig c = config(overrides);
            AblateCommand.cells(AblateCommand.plan(c), c.without("ablation"), "out");
        });
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
