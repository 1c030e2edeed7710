package io.attnspark.ablation;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code summary} result table of an ablation: one row per variant (a grid cell without its seed), rewritten
 * whole at the end of every job from the {@code runs} table.
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
                    .add("p_value", DataTypes.DoubleType, true);

    private SummaryTable() {}
}
