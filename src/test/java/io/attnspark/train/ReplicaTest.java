package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.attnspark.model.Architecture;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ParameterLayout;
import java.nio.FloatBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaTest {

    private static final ModelSpec SPEC = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
            new ModelSpec.Input(1, 6, 6, List.of("a", "b", "c"), new float[] {0f}, new float[] {1f}));
    private static final int BATCH = 4;

    private static float[] images() {
        float[] x = new float[BATCH * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.37 * i) + (i % 7) * 0.1f;
        }
        return x;
    }

    /** Cross-entropy's gradient w.r.t. the classifier bias is mean(softmax(logits) - onehot(label)). */
    @Test
    void sgdStepMovesTheClassifierBiasByTheCrossEntropyGradient() {
        float[] x = images();
        long[] y = {0, 2, 1, 2};
        double lr = 0.5;
        try (Replica replica = Replica.create(SPEC, Device.cpu()); NDManager manager = NDManager.newBaseManager()) {
            ParameterLayout layout = replica.layout();
            float[] before = new float[layout.size()];
            replica.getState(before, null);
            float[] logits;
            try (GradientScope ignored = GradientScope.notRecording()) {
                NDArray input = manager.create(FloatBuffer.wrap(x), SPEC.inputShape(BATCH));
                logits = replica.block().forward(new ParameterStore(manager, false), new NDList(input), true)
                        .singletonOrThrow().toFloatArray();
            }
            replica.setState(before, null); // undo the running-statistics update of that forward pass
            StepStats stats = replica.trainStep(x, y, BATCH, lr, new SgdSettings(0, 0));
            float[] after = new float[layout.size()];
            replica.getState(after, null);

            int bias = layout.offset(layout.count() - 1);
            double expectedLoss = 0;
            for (int k = 0; k < 3; k++) {
                double gradient = 0;
                for (int b = 0; b < BATCH; b++) {
                    double max = Math.max(logits[3 * b], Math.max(logits[3 * b + 1], logits[3 * b + 2]));
                    double z = 0;
                    for (int j = 0; j < 3; j++) {
                        z += Math.exp(logits[3 * b + j] - max);
                    }
                    double p = Math.exp(logits[3 * b + k] - max) / z;
                    gradient += (p - (y[b] == k ? 1 : 0)) / BATCH;
                    if (k == y[b]) {
                        expectedLoss += -Math.log(p);
                    }
                }
                assertEquals(before[bias + k] - lr * gradient, after[bias + k], 1e-5, "bias " + k);
            }
            assertEquals(expectedLoss, stats.lossSum(), 1e-4);
            assertEquals(BATCH, stats.samples());
        }
    }

    /** Train-mode logits for the batch, leaving the replica's state as it was. */
    private static float[] logits(Replica replica, NDManager manager, float[] x) {
        ParameterLayout layout = replica.layout();
        float[] params = new float[layout.size()];
        float[] momentum = new float[layout.trainableSize()];
        replica.getState(params, momentum);
        float[] out;
        try (GradientScope ignored = GradientScope.notRecording()) {
            NDArray input = manager.create(FloatBuffer.wrap(x), SPEC.inputShape(BATCH));
            out = replica.block().forward(new ParameterStore(manager, false), new NDList(input), true)
                    .singletonOrThrow().toFloatArray();
        }
        replica.setState(params, momentum);
        return out;
    }

    private static double[] biasGradient(float[] logits, long[] y) {
        double[] g = new double[3];
        for (int b = 0; b < BATCH; b++) {
            double max = Math.max(logits[3 * b], Math.max(logits[3 * b + 1], logits[3 * b + 2]));
            double z = 0;
            for (int j = 0; j < 3; j++) {
                z += Math.exp(logits[3 * b + j] - max);
            }
            for (int k = 0; k < 3; k++) {
                g[k] += (Math.exp(logits[3 * b + k] - max) / z - (y[b] == k ? 1 : 0)) / BATCH;
            }
        }
        return g;
    }

    /** torch.optim.SGD: g += wd * w; buf = mu * buf + g; w -= lr * buf (lr outside the buffer). */
    @Test
    void momentumAndWeightDecayFollowTorchSgdAcrossLearningRateChanges() {
        float[] x = images();
        long[] y = {1, 1, 0, 2};
        double mu = 0.9;
        double wd = 0.01;
        double[] rates = {0.1, 0.3};
        SgdSettings sgd = new SgdSettings(mu, wd);
        try (Replica replica = Replica.create(SPEC, Device.cpu()); NDManager manager = NDManager.newBaseManager()) {
            replica.setState(Replica.initialParameters(SPEC, 3), null);
            ParameterLayout layout = replica.layout();
            int bias = layout.offset(layout.count() - 1);
            int biasMomentum = layout.trainableSize() - 3;
            double[] w = new double[3];
            double[] buf = new double[3];
            float[] state = new float[layout.size()];
            replica.getState(state, null);
            for (int k = 0; k < 3; k++) {
                w[k] = state[bias + k];
            }
            for (double lr : rates) {
                double[] g = biasGradient(logits(replica, manager, x), y);
                for (int k = 0; k < 3; k++) {
                    buf[k] = mu * buf[k] + g[k] + wd * w[k];
                    w[k] -= lr * buf[k];
                }
                replica.trainStep(x, y, BATCH, lr, sgd);
            }
            float[] momentum = new float[layout.trainableSize()];
            replica.getState(state, momentum);
            for (int k = 0; k < 3; k++) {
                assertEquals(w[k], state[bias + k], 1e-5, "bias " + k);
                assertEquals(buf[k], momentum[biasMomentum + k], 1e-5, "bias momentum " + k);
            }
            assertTrue(Math.abs(buf[0]) + Math.abs(buf[1]) + Math.abs(buf[2]) > 1e-3, "the check is not vacuous");
        }
    }

    /** Top-1 and top-5 counts of an evaluation against the ranks of the predicted probabilities, by hand. */
    @Test
    void evaluationCountsTopOneAndTopFiveFromTheScores() {
        ModelSpec spec = new ModelSpec(new Architecture("resnet-cifar", 8, "none"),
                new ModelSpec.Input(1, 6, 6, List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"), new float[] {0f},
                        new float[] {1f}));
        int batch = 16;
        float[] x = new float[batch * 36];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(0.91 * i) + (i % 5) * 0.2f;
        }
        long[] y = new long[batch];
        for (int b = 0; b < batch; b++) {
            y[b] = (b * 5) % 8;
        }
        try (Replica replica = Replica.create(spec, Device.cpu())) {
            float[] p = replica.predict(x, batch);
            long top1 = 0;
            long top5 = 0;
            for (int b = 0; b < batch; b++) {
                int above = 0;
                int best = 0;
                for (int k = 0; k < 8; k++) {
                    above += p[8 * b + k] > p[8 * b + (int) y[b]] ? 1 : 0;
                    best = p[8 * b + k] > p[8 * b + best] ? k : best;
                }
                top1 += best == y[b] ? 1 : 0;
                top5 += above < 5 ? 1 : 0;
            }
            StepStats stats = replica.evaluate(x, y, batch);
            assertEquals(top1, stats.correct());
            assertEquals(top5, stats.correctTop5());
            assertTrue(top5 > top1 && top5 < batch, "the case tells top-5 from top-1 and from all: " + top1 + " " + top5);
        }
    }
}
