package io.attnspark.distributed;

import ai.djl.Device;
import io.attnspark.data.InputPipeline;
import io.attnspark.data.Normalization;
import io.attnspark.data.ImageShard;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ParameterLayout;
import io.attnspark.stats.Medians;
import io.attnspark.train.NonFiniteLossException;
import io.attnspark.train.Replica;
import io.attnspark.train.ShardTrainer;
import io.attnspark.train.StepStats;
import io.attnspark.train.TorchRuntime;
import io.attnspark.train.TrainingPlan;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Synchronous parameter averaging on Spark: the round loop, the same for both methods. Each round one
 * task per shard loads the averaged state into a replica, trains {@code sync.every} local steps on its
 * shard, and its state joins the sample-weighted average: through the driver ({@link TreeExchange})
 * or among the executors ({@link ShardedExchange}), as {@link SyncSchedule#method()} says. Momentum
 * buffers are averaged like the parameters, so replicas are stateless between rounds: a retried or
 * relocated task computes exactly what the first attempt would have.
 */
public final class DistributedTrainer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DistributedTrainer.class);

    /** Where checkpoints go: a staging folder per round, then a commit. */
    public interface CheckpointSink {
        /**
         * Creates the staging folder of a round's checkpoint (tasks may write slice files there).
         *
         * @return the folder's path
         */
        String stage();

        /**
         * Commits a round's checkpoint.
         *
         * @param state the state after the round
         * @param staged the folder from {@link #stage()}
         */
        void save(TrainingState state, String staged);
    }

    /**
     * Where a run's state goes between rounds, and how often.
     *
     * @param sink receives the state every {@code every} rounds and after the last one, or null for none
     * @param every rounds between checkpoints, at least 1
     */
    public record Checkpointing(CheckpointSink sink, int every) {

        /** Checks the interval. */
        public Checkpointing {
            if (every < 1) {
                throw new IllegalArgumentException("rounds between checkpoints must be at least 1, got " + every);
            }
        }

        /**
         * No checkpoints.
         *
         * @return the setting
         */
        public static Checkpointing none() {
            return new Checkpointing(null, 1);
        }

        boolean isDue(int round, int totalRounds) {
            return sink != null && ((round + 1) % every == 0 || round + 1 == totalRounds);
        }
    }

    /** Called after every round, on the driver. */
    @FunctionalInterface
    public interface RoundListener {
        /**
         * Reports a finished round.
         *
         * @param metrics the round
         * @param totalRounds rounds in the run
         * @param elapsedSeconds wall time since the loop started
         */
        void roundFinished(RoundMetrics metrics, int totalRounds, double elapsedSeconds);
    }

    private final JavaSparkContext jsc;
    private final ModelSpec spec;
    private final TrainingPlan plan;
    private final InputPipeline input;
    private final SyncSchedule sync;
    private final ParameterLayout layout;
    private final int evalBatchSize;
    // Owns this trainer's replicas in the executors' pools: another run never borrows them.
    private final String replicaOwner = java.util.UUID.randomUUID().toString();

    /**
     * Creates a trainer.
     *
     * @param jsc the Spark context
     * @param spec the model
     * @param plan per-replica training settings
     * @param syncEvery local steps between averages (K)
     * @param treeDepth depth of {@code treeAggregate}
     * @param evalBatchSize images per forward pass when evaluating
     */
    public DistributedTrainer(
            JavaSparkContext jsc, ModelSpec spec, TrainingPlan plan, int syncEvery, int treeDepth, int evalBatchSize) {
        this(jsc, spec, plan, SyncSchedule.every(syncEvery, Math.max(1, treeDepth)), evalBatchSize);
    }

    /**
     * Creates a trainer with a full synchronisation schedule.
     *
     * @param jsc the Spark context
     * @param spec the model
     * @param plan per-replica training settings
     * @param sync when to average and how to combine
     * @param evalBatchSize images per forward pass when evaluating
     */
    public DistributedTrainer(
            JavaSparkContext jsc, ModelSpec spec, TrainingPlan plan, SyncSchedule sync, int evalBatchSize) {
        this(jsc, spec, plan, sync, evalBatchSize, InputPipeline.fixed(new Normalization(spec.mean(), spec.std()),
                spec.inputChannels(), spec.imageHeight(), spec.imageWidth(), plan.cropPadding(), plan.flip()));
    }

    /**
     * Creates a trainer whose shards feed the model through the given pipeline.
     *
     * @param jsc the Spark context
     * @param spec the model
     * @param plan per-replica training settings
     * @param sync when to average and how to combine
     * @param evalBatchSize images per forward pass when evaluating
     * @param input how the shards' images become the model's input (its size must be the model's)
     */
    public DistributedTrainer(JavaSparkContext jsc, ModelSpec spec, TrainingPlan plan, SyncSchedule sync,
            int evalBatchSize, InputPipeline input) {
        if (input.channels() != spec.inputChannels() || input.height() != spec.imageHeight()
                || input.width() != spec.imageWidth()) {
            throw new IllegalArgumentException("the input pipeline (" + input.describe() + ") does not give the model's"
                    + " input " + spec.inputChannels() + "x" + spec.imageHeight() + "x" + spec.imageWidth());
        }
        this.jsc = jsc;
        this.spec = spec;
        this.plan = plan;
        this.input = input;
        this.sync = sync;
        this.evalBatchSize = evalBatchSize;
        try (Replica probe = Replica.create(spec, Device.cpu())) {
            this.layout = probe.layout();
        }
    }

    /**
     * Returns the layout of the flat states this trainer exchanges.
     *
     * @return the model's parameter layout
     */
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * Trains from initial parameters for a number of steps.
     *
     * @param trainShards cached shards, partition i = shard i
     * @param testShards cached evaluation shards, or null for no evaluation
     * @param initialParameters flat parameters to start from
     * @param totalSteps local steps per replica
     * @param stepsPerEpoch local steps per replica and epoch (for evaluation and the epoch column)
     * @param listener told about each round
     * @return the final parameters and per-round metrics
     */
    public TrainingResult train(
            JavaRDD<? extends ImageShard> trainShards,
            JavaRDD<? extends ImageShard> testShards,
            float[] initialParameters,
            long totalSteps,
            int stepsPerEpoch,
            RoundListener listener) {
        return train(trainShards, testShards, TrainingState.initial(initialParameters, layout.trainableSize()), totalSteps,
                stepsPerEpoch, listener, Checkpointing.none(), null);
    }

    /**
     * Trains from a state (the initial one, or one read from a checkpoint) to the last step, with every
     * round's and evaluation's jobs run through a guard that stops the run when an executor dies in
     * native code.
     *
     * @param trainData cached shards, partition i = shard i
     * @param testData cached evaluation shards, or null for no evaluation
     * @param start where to start
     * @param totalSteps local steps per replica in the whole run
     * @param stepsPerEpoch local steps per replica and epoch (for evaluation and the epoch column)
     * @param listener told about each round, may be null
     * @param checkpoints where the state goes, and how often
     * @param guard the run's guard, opened on this thread, or null for none
     * @return the final parameters and the metrics of every round, those before {@code start}
     *     included
     * @throws NativeCrashException when an executor running the run's tasks died in native code
     */
    public TrainingResult train(
            JavaRDD<? extends ImageShard> trainData,
            JavaRDD<? extends ImageShard> testData,
            TrainingState start,
            long totalSteps,
            int stepsPerEpoch,
            RoundListener listener,
            Checkpointing checkpoints,
            NativeCrashGuard guard) {
        JavaRDD<ImageShard> trainShards = ShardedTable.asImageShards(trainData);
        JavaRDD<ImageShard> testShards = testData == null ? null : ShardedTable.asImageShards(testData);
        int totalRounds = sync.rounds(totalSteps);
        List<RoundMetrics> rounds = new ArrayList<>(start.rounds());
        long startNanos = System.nanoTime() - (long) (start.elapsedSeconds() * 1e9);
        long trained = start.trainedSamples();
        List<String> devices = List.of();
        LiveTrainers.started(replicaOwner);
        try (StateExchange exchange = guarded(guard, "loading the state", () -> exchange(start, trainShards))) {
            for (int round = start.nextRound(); round < totalRounds; round++) {
                long from = sync.firstStep(round);
                long to = sync.endStep(round, totalSteps);
                long roundStart = System.nanoTime();
                String roundName = String.format(Locale.ROOT, "round %d/%d", round + 1, totalRounds);
                boolean checkpointDue = checkpoints.isDue(round, totalRounds);
                String staged = checkpointDue ? checkpoints.sink().stage() : null;
                RoundTask task = new RoundTask(claim(), plan, input, round, from, to);
                StateExchange.Round done =
                        guarded(guard, roundName, () -> exchange.round(trainShards, task, staged));
                RoundAccumulator sum = done.sum();
                double roundSeconds = seconds(roundStart);
                trained += sum.stats().samples();
                devices = List.copyOf(sum.devices());

                boolean epochEnds = to / stepsPerEpoch > from / stepsPerEpoch || to == totalSteps;
                StepStats test = null;
                double evalSeconds = 0;
                if (epochEnds && testShards != null) {
                    long evalStart = System.nanoTime();
                    test = guarded(guard, "the evaluation after " + roundName,
                            () -> exchange.evaluate(testShards, claim(), input, evalBatchSize, sync.treeDepth()));
                    evalSeconds = seconds(evalStart);
                }
                RoundMetrics metrics = metrics(new RoundMetrics.Progress(round, (double) to / stepsPerEpoch, from,
                        (int) (to - from), plan.schedule().rate(to - 1)), sum, test, roundSeconds, done, evalSeconds);
                rounds.add(metrics);
                if (checkpointDue) {
                    long checkpointStart = System.nanoTime();
                    checkpoints.sink().save(exchange.checkpointState(round + 1, List.copyOf(rounds), trained,
                            seconds(startNanos)), staged);
                    metrics = metrics.withCheckpointSeconds(seconds(checkpointStart));
                    rounds.set(rounds.size() - 1, metrics);
                }
                if (listener != null) {
                    listener.roundFinished(metrics, totalRounds, seconds(startNanos));
                }
            }
            float[] parameters = guarded(guard, "assembling the model", exchange::parameters);
            return new TrainingResult(parameters, rounds, seconds(startNanos), trained, devices);
        } finally {
            LiveTrainers.ended(replicaOwner);
        }
    }

    private StateExchange exchange(TrainingState start, JavaRDD<ImageShard> trainShards) {
        if (sync.method() == SyncMethod.SHARDED) {
            StateSlices slicing = new StateSlices(layout, sync.slicesFor(trainShards.getNumPartitions()));
            return new ShardedExchange(jsc, sync, slicing, start);
        }
        return new TreeExchange(jsc, sync, StateSlices.trainableRanges(layout),
                start.withArrays(jsc.hadoopConfiguration()));
    }

    /** The round's row, from its timings; warns when one task held the round. */
    private RoundMetrics metrics(RoundMetrics.Progress progress, RoundAccumulator sum, StepStats test,
            double roundSeconds, StateExchange.Round done, double evalSeconds) {
        int round = progress.round();
        double[] tasks = sum.taskSeconds();
        double slowestTask = tasks[tasks.length - 1];
        double[] compute = sum.computeSeconds();
        double[] load = sum.loadSeconds();
        double median = Medians.of(tasks);
        if (tasks.length > 1 && slowestTask > 1.5 * median && slowestTask - median > 1.0) {
            LOG.warn(String.format(Locale.ROOT,
                    "round %d: slowest task %.1f s, median %.1f s, fastest %.1f s: a straggler holds the round",
                    round, slowestTask, median, tasks[0]));
        }
        return new RoundMetrics(
                progress,
                sum.stats().samples(),
                new RoundMetrics.Scores(sum.stats().meanLoss(), sum.stats().accuracy(), Double.NaN),
                test == null ? RoundMetrics.Scores.NONE
                        : new RoundMetrics.Scores(test.meanLoss(), test.accuracy(), test.top5Accuracy()),
                new RoundMetrics.Timing(roundSeconds, compute[compute.length - 1], load[load.length - 1],
                        Math.max(0, roundSeconds - done.broadcastSeconds() - slowestTask), done.broadcastSeconds(),
                        evalSeconds, 0),
                new RoundMetrics.TaskSpread(tasks[0], median, slowestTask),
                new RoundMetrics.Traffic(done.driverBytes(), sum.taskBytesMax()));
    }

    private static <T> T guarded(NativeCrashGuard guard, String stage, Supplier<T> jobs) {
        return guard == null ? jobs.get() : guard.call(stage, jobs);
    }

    /**
     * Evaluates parameters on the evaluation shards, as a distributed pass.
     *
     * @param testShards the cached shards
     * @param parameters flat parameters
     * @return the sums over all images
     */
    public StepStats evaluate(JavaRDD<? extends ImageShard> testShards, float[] parameters) {
        return TreeExchange.evaluate(jsc, ShardedTable.asImageShards(testShards), parameters, claim(), input, evalBatchSize,
                sync.treeDepth());
    }

    /** What this trainer's tasks ask the executors' replica pools for, with the trainers running now. */
    private ReplicaPool.Claim claim() {
        return new ReplicaPool.Claim(spec, plan.precision(), replicaOwner, LiveTrainers.snapshot(replicaOwner));
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
