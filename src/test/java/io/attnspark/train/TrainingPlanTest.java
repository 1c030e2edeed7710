package io.attnspark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** A plan's fingerprint, which checkpoints store: float32 plans keep the form written before precision. */
class TrainingPlanTest {

    @Test
    void float32FingerprintIsThePlanAsCheckpointsBeforePrecisionStoredItAndBfloat16AddsIt() {
        TrainingPlan plan = new TrainingPlan(16, 5, new LearningRateSchedule(0.05, 2, 12, 0.001),
                new SgdSettings(0.9, 5e-4), 2, true);
        // The plan's toString at commit c3eb4dd, which checkpoints of that time hold.
        String before = "TrainingPlan[batchSize=16, seed=5, schedule=LearningRateSchedule[baseRate=0.05, warmupSteps=2,"
                + " totalSteps=12, finalRate=0.001], sgd=SgdSettings[momentum=0.9, weightDecay=5.0E-4], cropPadding=2,"
                + " flip=true]";
        assertEquals(Precision.FLOAT32, plan.precision());
        assertEquals(before, plan.fingerprint());
        TrainingPlan bf16 = new TrainingPlan(16, 5, plan.schedule(), plan.sgd(), 2, true, Precision.BFLOAT16);
        assertEquals(before + " precision=bfloat16", bf16.fingerprint());
    }
}
