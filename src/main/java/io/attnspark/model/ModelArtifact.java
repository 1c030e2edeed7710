package io.attnspark.model;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A trained model on any Hadoop file system ({@code file://}, {@code hdfs://}, {@code s3a://}): a
 * folder with {@code spec.json} and {@code parameters.bin} (format version, then each parameter's
 * name, shape and float32 values). Written to a temporary sibling and renamed, so a reader never
 * sees half a model.
 *
 * @param spec the model
 * @param parameters flat parameters in the layout the spec builds
 */
public record ModelArtifact(ModelSpec spec, float[] parameters) {

    /** The parameter file's format version. */
    public static final int FORMAT_VERSION = 1;

    private static final int MAGIC = 0x41545350; // "ATSP"
    private static final String SPEC_FILE = "spec.json";
    private static final String PARAMETERS_FILE = "parameters.bin";

    /**
     * Writes the artifact atomically; an existing artifact at the path is replaced.
     *
     * @param layout the layout of {@link #parameters()}
     * @param path the artifact folder
     * @param conf the Hadoop configuration
     */
    public void save(ParameterLayout layout, String path, Configuration conf) {
        if (layout.size() != parameters.length) {
            throw new IllegalArgumentException(
                    "layout has " + layout.size() + " floats, the parameters " + parameters.length);
        }
        Path target = new Path(path);
        try {
            FileSystem fs = target.getFileSystem(conf);
            Path tmp = new Path(target.getParent(), "." + target.getName() + "._tmp-" + UUID.randomUUID());
            fs.mkdirs(tmp);
            try (FSDataOutputStream out = fs.create(new Path(tmp, SPEC_FILE), true)) {
                out.write(spec.toJson().getBytes(StandardCharsets.UTF_8));
            }
            try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(new Path(tmp, PARAMETERS_FILE), true), 1 << 16))) {
                out.writeInt(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.writeInt(layout.count());
                for (int i = 0; i < layout.count(); i++) {
                    out.writeUTF(layout.name(i));
                    long[] shape = layout.shape(i).getShape();
                    out.writeInt(shape.length);
                    for (long d : shape) {
                        out.writeLong(d);
                    }
                    int end = i + 1 < layout.count() ? layout.offset(i + 1) : layout.size();
                    for (int j = layout.offset(i); j < end; j++) {
                        out.writeFloat(parameters[j]);
                    }
                }
            }
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, true);
                throw new IOException("could not rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + path, e);
        }
    }

    /**
     * Reads an artifact, checking every parameter's name and shape against what its spec builds.
     *
     * @param path the artifact folder
     * @param expected the layout the spec builds (see {@code Replica.layout()})
     * @param conf the Hadoop configuration
     * @return the artifact
     * @throws IllegalArgumentException naming the first parameter that does not match
     */
    public static ModelArtifact load(String path, java.util.function.Function<ModelSpec, ParameterLayout> expected, Configuration conf) {
        Path folder = new Path(path);
        try {
            FileSystem fs = folder.getFileSystem(conf);
            ModelSpec spec;
            try (FSDataInputStream in = fs.open(new Path(folder, SPEC_FILE))) {
                spec = ModelSpec.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
            ParameterLayout layout = expected.apply(spec);
            float[] parameters = new float[layout.size()];
            Path file = new Path(folder, PARAMETERS_FILE);
            try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(fs.open(file), 1 << 16))) {
                if (in.readInt() != MAGIC) {
                    throw new IllegalArgumentException(file + " is not an attnspark parameter file");
                }
                int version = in.readInt();
                if (version != FORMAT_VERSION) {
                    throw new IllegalArgumentException(
                            file + " has format version " + version + "; this build reads " + FORMAT_VERSION);
                }
                int count = in.readInt();
                for (int i = 0; i < Math.max(count, layout.count()); i++) {
                    if (i >= count) {
                        throw new IllegalArgumentException(file + " lacks parameter " + layout.name(i));
                    }
                    String name = in.readUTF();
                    long[] shape = new long[in.readInt()];
                    for (int d = 0; d < shape.length; d++) {
                        shape[d] = in.readLong();
                    }
                    if (i >= layout.count()) {
                        throw new IllegalArgumentException(file + " has an unexpected parameter " + name);
                    }
                    if (!name.equals(layout.name(i)) || !Arrays.equals(shape, layout.shape(i).getShape())) {
                        throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                                "%s: parameter %d is %s %s but the spec builds %s %s",
                                file, i, name, new ai.djl.ndarray.types.Shape(shape), layout.name(i), layout.shape(i)));
                    }
                    int end = i + 1 < layout.count() ? layout.offset(i + 1) : layout.size();
                    for (int j = layout.offset(i); j < end; j++) {
                        parameters[j] = in.readFloat();
                    }
                }
            } catch (EOFException | org.apache.hadoop.fs.ChecksumException e) {
                throw new IllegalArgumentException(file + " is truncated or corrupt: " + e.getMessage(), e);
            }
            return new ModelArtifact(spec, parameters);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load model from " + path, e);
        }
    }
}
