package io.attnspark;

import ai.djl.Device;
import io.attnspark.model.ModelArtifact;
import io.attnspark.train.Replica;
import org.apache.hadoop.conf.Configuration;

/** Reads what training runs wrote, for tests that compare runs. */
public final class TestModels {

    private TestModels() {}

    /**
     * Loads the parameters of the model a run wrote.
     *
     * @param output the run's output.path
     * @return the flat parameters of {@code <output>/model}
     */
    public static float[] parameters(String output) {
        return ModelArtifact.load(output + "/model", spec -> {
            try (Replica r = Replica.create(spec, Device.cpu())) {
                return r.layout();
            }
        }, new Configuration()).parameters();
    }
}
