package io.attnspark.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.attnspark.model.ModelSpec;
import io.attnspark.nn.Autocast;
import io.attnspark.model.ParameterLayout;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.List;

/**
 * One model replica on one device: the network, its momentum buffers, and the three things the
 * distributed trainer needs from it — load a state, train steps, read the state back — plus
 * evaluation. State travels as flat float buffers in the order of {@link #layout()}.
 *
 * <p>Not thread-safe: one task uses a replica at a time.
 */
public final class Replica implements AutoCloseable {

    private final ModelSpec spec;
    private final NDManager manager;
    private final Block block;
    private final ParameterStore store;
    private final ParameterLayout layout;
    private final Parameter[] parameters;
    private final NDArray[] momentum;
    private final Loss loss = Loss.softmaxCrossEntropyLoss();
    private final Precision precision;

    /** A replica computing in {@code precision}, already resolved for the device. */
    private Replica(ModelSpec spec, Device device, Precision precision) {
        this.spec = spec;
        this.precision = precision;
        this.manager = NDManager.newBaseManager(device);
        this.block = spec.newBlock();
        block.initialize(manager, DataType.FLOAT32, spec.inputShape(1));
        this.store = new ParameterStore(manager, false);
        this.layout = ParameterLayout.of(block);
        ai.djl.nn.ParameterList list = block.getParameters();
        this.parameters = new Parameter[list.size()];
        this.momentum = new NDArray[list.size()];
        for (int i = 0; i < parameters.length; i++) {
            parameters[i] = list.get(i).getValue();
            if (layout.trainable(i)) {
                momentum[i] = manager.zeros(layout.shape(i), DataType.FLOAT32);
            }
        }
    }

    /**
     * Builds a replica with freshly initialised parameters. The initial values are random: load a
     * state before training unless this replica is the source of the initial state.
     *
     * @param spec the model
     * @param device the device to run on
     * @return the replica
     */
    public static Replica create(ModelSpec spec, Device device) {
        return create(spec, device, Precision.FLOAT32);
    }

    /**
     * Builds a replica that computes in a given precision where the device supports it (see {@link
     * Precision#on(Device)}); its parameters and momentum stay float32.
     *
     * @param spec the model
     * @param device the device to run on
     * @param precision the requested precision
     * @return the replica
     */
    public static Replica create(ModelSpec spec, Device device, Precision precision) {
        return create(spec, device, precision, precision == Precision.FLOAT32 ? null : BFloat16Support.of(device));
    }

    /**
     * As {@link #create(ModelSpec, Device, Precision)}, with the device's bfloat16 support given (tests
     * run the bfloat16 path on CPUs without it: slower, but the same arithmetic).
     *
     * @param spec the model
     * @param device the device to run on
     * @param precision the requested precision
     * @param support what the device supports; unused (may be null) for float32
     * @return the replica
     */
    static Replica create(ModelSpec spec, Device device, Precision precision, BFloat16Support support) {
        Precision resolved = precision == Precision.FLOAT32 ? precision : precision.on(device, support);
        NativeWarnings.consumeOnce();
        // Initialisation draws from the engine's process-wide generator: a replica built by one thread
        // between another's seeding and its draws in initialParameters would change that run's start
        // (concurrent ablation cells build replicas while others compute their initial parameters).
        synchronized (Replica.class) {
            return new Replica(spec, device, resolved);
        }
    }

    /**
     * Computes a model's initial parameters for a seed, reproducibly.
     *
     * @param spec the model
     * @param seed the run's seed
     * @return the flat parameters
     */
    public static float[] initialParameters(ModelSpec spec, long seed) {
        synchronized (Replica.class) { // the engine's random seed is process-wide
            Engine.getInstance().setRandomSeed((int) seed);
            try (Replica r = new Replica(spec, Device.cpu(), Precision.FLOAT32)) {
                float[] params = new float[r.layout.size()];
                r.layout.copyFrom(r.block, params);
                return params;
            }
        }
    }

    /**
     * Returns the model this replica runs.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Returns the precision this replica computes in (float32 where bfloat16 was asked for but the
     * device lacks it).
     *
     * @return the precision
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Returns the parameter layout of the flat state buffers.
     *
     * @return the layout
     */
    public ParameterLayout layout() {
        return layout;
    }

    /**
     * Returns the network, for saving or prediction.
     *
     * @return the block
     */
    public Block block() {
        return block;
    }

    /**
     * Loads parameters and momentum buffers.
     *
     * @param params {@code layout().size()} floats
     * @param momentumState {@code layout().trainableSize()} floats, or null to zero the momentum
     */
    public void setState(float[] params, float[] momentumState) {
        try (GradientScope ignored = GradientScope.notRecording()) {
            layout.copyTo(params, block);
            int offset = 0;
            for (int i = 0; i < parameters.length; i++) {
                if (momentum[i] == null) {
                    continue;
                }
                int n = Math.toIntExact(momentum[i].size());
                if (momentumState == null) {
                    momentum[i].muli(0);
                } else {
                    momentum[i].set(FloatBuffer.wrap(momentumState, offset, n).slice());
                }
                offset += n;
            }
            if (momentumState != null && offset != momentumState.length) {
                throw new IllegalArgumentException(
                        "momentum buffer has " + momentumState.length + " floats, the layout " + offset);
            }
        }
    }

    /**
     * Reads parameters and momentum buffers.
     *
     * @param params {@code layout().size()} floats, filled
     * @param momentumState {@code layout().trainableSize()} floats, filled; or null
     */
    public void getState(float[] params, float[] momentumState) {
        layout.copyFrom(block, params);
        if (momentumState == null) {
            return;
        }
        int offset = 0;
        for (NDArray m : momentum) {
            if (m != null) {
                float[] values = m.toFloatArray();
                System.arraycopy(values, 0, momentumState, offset, values.length);
                offset += values.length;
            }
        }
    }

    /**
     * Trains one step on a batch: forward, cross-entropy loss, backward, SGD update.
     *
     * @param images {@code batch * C * H * W} normalised floats
     * @param labels {@code batch} labels
     * @param batch the batch size
     * @param learningRate this step's learning rate
     * @param sgd momentum and weight decay
     * @return the step's sums
     */
    public StepStats trainStep(float[] images, long[] labels, int batch, double learningRate, SgdSettings sgd) {
        long start = System.nanoTime();
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.create(FloatBuffer.wrap(images, 0, batch * imageSize()), spec.inputShape(batch));
            NDArray y = step.create(LongBuffer.wrap(labels, 0, batch), new Shape(batch));
            NDArray logits;
            NDArray lossValue;
            try (GradientScope ignored = GradientScope.recording()) {
                logits = logits(x, true);
                lossValue = loss.evaluate(new NDList(y), new NDList(logits));
                NDArray seed = step.ones(lossValue.getShape());
                JniUtils.backward((PtNDArray) lossValue, (PtNDArray) seed, false, false);
            }
            try (GradientScope ignored = GradientScope.notRecording()) {
                update((float) learningRate, sgd);
                long correct = logits.argMax(1).eq(y).countNonzero().getLong();
                double lossSum = (double) lossValue.getFloat() * batch;
                return new StepStats(batch, lossSum, correct, System.nanoTime() - start);
            }
        }
    }

    private void update(float learningRate, SgdSettings sgd) {
        float mu = (float) sgd.momentum();
        float wd = (float) sgd.weightDecay();
        for (int i = 0; i < parameters.length; i++) {
            if (momentum[i] == null) {
                continue; // running statistics: updated by the forward pass, not by the optimizer
            }
            NDArray w = parameters[i].getArray();
            try (NDArray grad = w.getGradient()) {
                if (wd != 0f) {
                    try (NDArray decay = w.mul(wd)) {
                        grad.addi(decay);
                    }
                }
                momentum[i].muli(mu).addi(grad);
            }
            try (NDArray delta = momentum[i].mul(learningRate)) {
                w.subi(delta);
            }
            JniUtils.zeroGrad((PtNDArray) w);
        }
    }

    /**
     * Evaluates a batch in inference mode (BatchNorm uses running statistics).
     *
     * @param images {@code batch * C * H * W} normalised floats
     * @param labels {@code batch} labels
     * @param batch the batch size
     * @return the batch's sums
     */
    public StepStats evaluate(float[] images, long[] labels, int batch) {
        long start = System.nanoTime();
        try (NDManager step = manager.newSubManager();
                GradientScope ignored = GradientScope.notRecording()) {
            NDArray x = step.create(FloatBuffer.wrap(images, 0, batch * imageSize()), spec.inputShape(batch));
            NDArray y = step.create(LongBuffer.wrap(labels, 0, batch), new Shape(batch));
            NDArray logits = logits(x, false);
            NDArray lossValue = loss.evaluate(new NDList(y), new NDList(logits));
            long correct = logits.argMax(1).eq(y).countNonzero().getLong();
            // Top-5: the label's logit is beaten by fewer than 5 others (ties count for the label).
            NDArray labelLogit = logits.gather(y.reshape(batch, 1), 1);
            long top5 = logits.gt(labelLogit).sum(new int[] {1}).lt(5).countNonzero().getLong();
            return new StepStats(
                    batch, (double) lossValue.getFloat() * batch, correct, top5, System.nanoTime() - start);
        }
    }

    /**
     * Predicts class probabilities for a batch in inference mode.
     *
     * @param images {@code batch * C * H * W} normalised floats
     * @param batch the batch size
     * @return {@code batch * classes} probabilities, row-major
     */
    public float[] predict(float[] images, int batch) {
        try (NDManager step = manager.newSubManager();
                GradientScope ignored = GradientScope.notRecording()) {
            NDArray x = step.create(FloatBuffer.wrap(images, 0, batch * imageSize()), spec.inputShape(batch));
            return logits(x, false).softmax(1).toFloatArray();
        }
    }

    /** The forward pass in this replica's precision; the logits in float32, as the loss wants them. */
    private NDArray logits(NDArray x, boolean training) {
        try (Autocast ignored = precision.scope()) {
            return Autocast.full(block.forward(store, new NDList(x), training).singletonOrThrow());
        }
    }

    private int imageSize() {
        return spec.inputChannels() * spec.imageHeight() * spec.imageWidth();
    }

    /** Frees the replica's native memory. */
    @Override
    public void close() {
        manager.close();
    }
}
