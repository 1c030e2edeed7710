package io.attnspark.cli;

import io.attnspark.distributed.TrainJob;
import io.attnspark.distributed.TrainingResult;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code attnspark train}: distributed training of one model with parameter averaging. */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = "Train a model on an image table with synchronous parameter averaging on Spark.")
public final class TrainCommand implements Callable<Integer> {

    static final String DEFAULTS = "attnspark/train-defaults.conf";

    @Option(names = "--conf", description = "Job config (HOCON), e.g. conf/train-fmnist.conf.")
    File conf;

    @Option(names = "--master", description = "Spark master when not run by spark-submit (default local[*]).")
    String master;

    @Option(names = "--resume", description = "Continue the run from its newest checkpoint under output.path.")
    boolean resume;

    @Parameters(paramLabel = "key=value", description = "Config overrides, e.g. sync.every=50.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        JobConfig config = JobConfig.load(DEFAULTS, conf, overrides);
        TrainJob.Settings settings = settings(config, resume);
        SparkSession spark = SparkSessions.getOrCreate("attnspark-train", master);
        TrainJob.Outcome outcome = new TrainJob(spark, settings).run(new ProgressPrinter(System.out, 10));
        TrainingResult r = outcome.result();
        System.out.println(String.format(
                Locale.ROOT,
                "run %s: %d replicas, %d rounds, test accuracy %.4f (best %.4f), %.0f img/s, %.0f s%n"
                        + "model: %s%ntables: %s/tables/{runs,rounds}",
                outcome.runId(),
                outcome.shards(),
                r.rounds().size(),
                outcome.testImages() > 0 ? r.lastEvaluated().testAccuracy() : Double.NaN,
                r.bestTestAccuracy(),
                r.imagesPerSecond(),
                r.wallSeconds(),
                outcome.modelPath(),
                settings.output()));
        return 0;
    }

    /**
     * Turns a resolved train config into typed settings, validating every value.
     *
     * @param c the config
     * @return the settings
     * @throws ConfigError naming the first invalid key
     */
    static TrainJob.Settings settings(JobConfig c) {
        return settings(c, false);
    }

    /**
     * Turns a resolved train config into typed settings, validating every value.
     *
     * @param c the config
     * @param resume whether to continue from the newest checkpoint
     * @return the settings
     * @throws ConfigError naming the first invalid key
     */
    static TrainJob.Settings settings(JobConfig c, boolean resume) {
        return TrainConfig.settings(c, resume);
    }
}
