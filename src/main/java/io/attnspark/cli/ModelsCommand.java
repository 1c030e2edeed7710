package io.attnspark.cli;

import io.attnspark.model.AttentionPlacement;
import io.attnspark.model.Backbone;
import io.attnspark.model.ModelFacts;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.Attentions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code attnspark models}: a table of parameters and multiply-accumulates of a backbone with each
 * attention module at its paper's placement, counted from the built networks.
 */
@Command(
        name = "models",
        mixinStandardHelpOptions = true,
        description = "Print parameters and MACs of a backbone with attention modules at their papers' placements.")
public final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--backbone", defaultValue = "resnet50",
            description = "resnet18/34/50/101/152, resnext50_32x4d, resnet-cifar-<6n+2> (default: ${DEFAULT-VALUE}).")
    String backbone;

    @Option(names = "--input", defaultValue = "3x224x224", description = "Input CxHxW (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--classes", defaultValue = "1000", description = "Output classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--attention", defaultValue = "all", split = ",",
            description = "Attention modules, comma-separated: none, a registry name, or all (default: ${DEFAULT-VALUE}).")
    List<String> attention;

    @Option(names = "--zero-init-residual", description = "Zero-init the last BN gamma of each branch.")
    boolean zeroInitResidual;

    @Override
    public Integer call() {
        print(System.out);
        return 0;
    }

    void print(PrintStream out) {
        Backbone.Choice choice = parseBackbone(backbone);
        int[] chw = parseInput(input);
        if (classes < 2) {
            throw new ConfigError("--classes " + classes + " is invalid: a classifier needs at least 2 classes");
        }
        ModelSpec base = ModelFacts.countingSpec(choice, chw[0], chw[1], chw[2], classes);
        if (zeroInitResidual) {
            base = new ModelSpec(new Architecture(base.backbone(), base.depth(), base.attention(), null, true),
                    base.input());
        }
        List<String> modules = new ArrayList<>();
        for (String a : attention) {
            if (a.equals("all")) {
                modules.add(ModelSpec.NONE);
                modules.addAll(Attentions.names());
            } else if (a.equals(ModelSpec.NONE) || Attentions.names().contains(a)) {
                modules.add(a);
            } else {
                throw new ConfigError("--attention " + a + " is invalid: must be all, none or one of "
                        + String.join(", ", Attentions.names()));
            }
        }
        ModelFacts plain = ModelFacts.of(base);
        out.printf(Locale.ROOT, "%s, input %dx%dx%d, %d classes; MACs per image%n",
                choice.displayName(), chw[0], chw[1], chw[2], classes);
        out.printf(Locale.ROOT, "%-28s %-12s %-10s %-11s %8s %12s %9s %9s%n",
                "model", "position", "stages", "blocks", "modules", "params", "+params", "GMACs");
        for (String module : modules) {
            ModelSpec spec = base.withAttention(module, null);
            ModelFacts f = module.equals(plain.name()) || module.equals(ModelSpec.NONE) ? plain : ModelFacts.of(spec);
            AttentionPlacement p = spec.placement();
            out.printf(Locale.ROOT, "%-28s %-12s %-10s %-11s %8d %11.2fM %8.2fM %9.3f%n",
                    f.name(),
                    p == null ? "-" : p.position().id(),
                    p == null ? "-" : p.stages().toString().replace(" ", ""),
                    p == null ? "-" : p.blocks().id(),
                    f.attentionModules(),
                    f.parameters() / 1e6,
                    (f.parameters() - plain.parameters()) / 1e6,
                    f.macs() / 1e9);
        }
    }

    private static Backbone.Choice parseBackbone(String name) {
        try {
            return Backbone.parse(name);
        } catch (IllegalArgumentException e) {
            throw new ConfigError("--backbone " + name + " is invalid: " + e.getMessage());
        }
    }

    private static int[] parseInput(String s) {
        String[] parts = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                int[] chw = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
                if (chw[0] >= 1 && chw[1] >= 1 && chw[2] >= 1) {
                    return chw;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigError("--input " + s + " is invalid: must be CxHxW with positive numbers, e.g. 3x224x224");
    }
}
