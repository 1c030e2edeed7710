package io.attnspark.ablation;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code summary} result table of an ablation: one row per variant (a grid cell without its seed), rewritten
 * whole at the end of every job from the {@code runs} table. The comparison with the baseline comes twice, in the
 * same column order: unpaired ({@code diff_top1} ... {@code mdd_top1}, Welch) and paired by seed (the same names
 * prefixed with {@code paired_}); see {@link Summaries}.
 */
public final class SummaryTable {

    /** The variant every other one is compared with. */
    public static final String BASELINE = "baseline";

    /** Schema of the {@code summary} table. */
    public static final StructType SCHEMA =
            new StructType()
                    .add("variant", DataTypes.StringType, false)
                    .add("attention", DataTypes.StringType, false)
                    .add("runs", DataTypes.IntegerType, false)
                    .add("test_top1_mean", DataTypes.DoubleType, false)
                    .add("test_top1_std", DataTypes.DoubleType, true)
                    .add("test_top5_mean", DataTypes.DoubleType, true)
                    .add("test_top5_std", DataTypes.DoubleType, true)
                    .add("params", DataTypes.LongType, false)
                    .add("params_overhead", DataTypes.DoubleType, true)
                    .add("macs", DataTypes.LongType, false)
                    .add("macs_overhead", DataTypes.DoubleType, true)
                    .add("images_per_s", DataTypes.DoubleType, false)
                    .add("diff_top1", DataTypes.DoubleType, true)
                    .add("diff_ci_low", DataTypes.DoubleType, true)
                    .add("diff_ci_high", DataTypes.DoubleType, true)
                    .add("p_value", DataTypes.DoubleType, true)
                    .add("p_value_holm", DataTypes.DoubleType, true)
                    .add("mdd_top1", DataTypes.DoubleType, true)
                    .add("paired_seeds", DataTypes.IntegerType, true)
                    .add("paired_diff_top1", DataTypes.DoubleType, true)
                    .add("paired_diff_ci_low", DataTypes.DoubleType, true)
                    .add("paired_diff_ci_high", DataTypes.DoubleType, true)
                    .add("paired_p_value", DataTypes.DoubleType, true)
                    .add("paired_p_value_holm", DataTypes.DoubleType, true)
                    .add("paired_mdd_top1", DataTypes.DoubleType, true);

    /**
     * The columns added with multiple-comparison and paired statistics: summary tables written before them
     * lack them, and readers take them as null.
     */
    public static final List<String> ADDED_COLUMNS = List.of("p_value_holm", "mdd_top1", "paired_seeds",
            "paired_diff_top1", "paired_diff_ci_low", "paired_diff_ci_high", "paired_p_value", "paired_p_value_holm",
            "paired_mdd_top1");

    private SummaryTable() {}
}
