package io.attnspark.score;

import ai.djl.Device;
import io.attnspark.data.BadInputException;
import io.attnspark.model.ModelArtifact;
import io.attnspark.model.ModelSpec;
import io.attnspark.model.ParameterLayout;
import io.attnspark.train.Replica;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A trained model ready to score: its spec, its flat parameters and a stable id. The id is the
 * model's display name and a hash of its spec JSON and parameter values, e.g. {@code
 * resnet-cifar-20+se@3fa2c1d09be4a7e1}: the same artifact always gets the same id wherever it is
 * stored, and a retrained model gets a new one. Prediction rows carry it, and executors key their
 * cache of loaded networks by it.
 *
 * @param spec the model
 * @param parameters flat parameters in the spec's layout
 * @param id the model id
 */
public record ScoringModel(ModelSpec spec, float[] parameters, String id) implements Serializable {

    /**
     * Wraps a model, computing its id.
     *
     * @param spec the model
     * @param parameters flat parameters in the spec's layout
     * @return the model
     */
    public static ScoringModel of(ModelSpec spec, float[] parameters) {
        return new ScoringModel(spec, parameters, idOf(spec, parameters));
    }

    /**
     * Loads a model artifact as written by the train job ({@code <output>/model}).
     *
     * @param path the artifact folder (any Hadoop file system)
     * @param conf the Hadoop configuration
     * @return the model
     * @throws BadInputException if the folder is missing, is not a model, or is corrupt
     */
    public static ScoringModel load(String path, Configuration conf) {
        try {
            Path folder = new Path(path);
            FileSystem fs = folder.getFileSystem(conf);
            if (!fs.exists(new Path(folder, "spec.json"))) {
                throw new BadInputException(String.format(Locale.ROOT,
                        "missing model: %s has no spec.json (expected a model folder as written by train, e.g. <output.path>/model)",
                        path));
            }
        } catch (IOException e) {
            throw new BadInputException(String.format(Locale.ROOT, "cannot open model %s: %s", path, e), e);
        }
        try {
            ModelArtifact artifact = ModelArtifact.load(path, ScoringModel::layoutOf, conf);
            return of(artifact.spec(), artifact.parameters());
        } catch (IllegalArgumentException e) {
            throw new BadInputException("model " + path + " cannot be used: " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            String what = e.getCause() instanceof FileNotFoundException ? "is incomplete" : "cannot be read";
            throw new BadInputException(
                    String.format(Locale.ROOT, "model %s %s: %s", path, what, e.getCause().getMessage()), e);
        }
    }

    /**
     * Writes the model as an artifact that {@link #load} (and the train job's readers) read back.
     *
     * @param path the artifact folder
     * @param conf the Hadoop configuration
     */
    public void save(String path, Configuration conf) {
        new ModelArtifact(spec, parameters).save(layoutOf(spec), path, conf);
    }

    /**
     * Returns the parameter layout a spec builds.
     *
     * @param spec the model
     * @return its layout
     */
    static ParameterLayout layoutOf(ModelSpec spec) {
        try (Replica probe = Replica.create(spec, Device.cpu())) {
            return probe.layout();
        }
    }

    private static String idOf(ModelSpec spec, float[] parameters) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(spec.toJson().getBytes(StandardCharsets.UTF_8));
            ByteBuffer chunk = ByteBuffer.allocate(4 * 4096);
            for (int i = 0; i < parameters.length; i += 4096) {
                chunk.clear();
                chunk.asFloatBuffer().put(parameters, i, Math.min(4096, parameters.length - i));
                sha.update(chunk.array(), 0, 4 * Math.min(4096, parameters.length - i));
            }
            return spec.displayName() + "@" + HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
