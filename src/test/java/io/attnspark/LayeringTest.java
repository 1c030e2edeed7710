package io.attnspark;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency rules of ../shared/DESIGN.md, checked on the compiled classes: {@code nn} <- {@code
 * model} <- {@code train} <- {@code distributed} <- {@code ablation}, {@code score} <- {@code report} <- {@code
 * cli}; {@code data} under {@code train}; {@code stats} a leaf that anyone may use. Blocks, models,
 * training and decoding never see Spark; only {@code cli} reads configuration files. Tests follow the
 * same rules as the code they test.
 */
class LayeringTest {

    private static final String ROOT = "io.attnspark.";

    /** For each package, the project packages it must not use (its layer and those below are allowed). */
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "stats", List.of("nn", "model", "data", "train", "distributed", "ablation", "score", "report", "cli"),
            "nn", List.of("model", "data", "train", "distributed", "ablation", "score", "report", "cli"),
            "data", List.of("nn", "model", "train", "distributed", "ablation", "score", "report", "cli"),
            "model", List.of("data", "train", "distributed", "ablation", "score", "report", "cli"),
            "train", List.of("distributed", "ablation", "score", "report", "cli"),
            "distributed", List.of("ablation", "score", "report", "cli"),
            "ablation", List.of("score", "report", "cli"),
            "score", List.of("ablation", "report", "cli"),
            "report", List.of("score", "cli"));

    private static JavaClasses main;
    private static JavaClasses tests;

    @BeforeAll
    static void importClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.attnspark");
        tests = new ClassFileImporter().withImportOption(ImportOption.Predefined.ONLY_INCLUDE_TESTS)
                .importPackages("io.attnspark");
    }

    @Test
    void blocksModelsTrainingAndDecodingNeverSeeSpark() {
        ArchRule rule = noClasses().that().resideInAnyPackage(
                        ROOT + "nn..", ROOT + "model..", ROOT + "train..", ROOT + "data..", ROOT + "stats..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..")
                .because("blocks, models, training and decoding are a plain DJL library (DESIGN.md)");
        rule.check(main);
        rule.check(tests);
    }

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        FORBIDDEN.forEach((layer, above) -> noClasses().that().resideInAPackage(ROOT + layer + "..")
                .should().dependOnClassesThat().resideInAnyPackage(above.stream().map(p -> ROOT + p + "..")
                        .toArray(String[]::new))
                .because(layer + " sits below " + above + " (DESIGN.md)")
                .check(main));
    }

    /** A model test proves a backbone trainable with one step of train's API: the one allowed exception. */
    @Test
    void testsUseOnlyTheirLayerAndTheLayersBelow() {
        FORBIDDEN.forEach((layer, above) -> {
            List<String> forbidden = "model".equals(layer) ? above.stream().filter(p -> !p.equals("train")).toList()
                    : above;
            noClasses().that().resideInAPackage(ROOT + layer + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(forbidden.stream().map(p -> ROOT + p + "..")
                            .toArray(String[]::new))
                    .because("a test lives in the layer it tests")
                    .check(tests);
        });
    }

    @Test
    void onlyTheCommandLineReadsConfigurationFiles() {
        noClasses().that().resideOutsideOfPackage(ROOT + "cli..")
                .should().dependOnClassesThat().resideInAPackage("com.typesafe.config..")
                .because("configuration becomes typed objects in cli; below it nothing reads config files")
                .check(main);
    }
}
