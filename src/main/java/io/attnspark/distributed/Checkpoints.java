package io.attnspark.distributed;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Round checkpoints of a run on any Hadoop file system: {@code <folder>/round-000042} holds the
 * state after round 42 and the run's fingerprint (model spec and training settings). Each is
 * written to a temporary sibling and renamed, so a checkpoint that exists is complete; the last
 * {@code keep} are kept.
 */
public final class Checkpoints {

    /**
     * The checkpoint file's format version: 2 may name slice files instead of holding the arrays
     * ({@link SlicedState}); version 1 files are read too.
     */
    public static final int FORMAT_VERSION = 2;

    private static final String PREFIX = "round-";
    private static final String STATE_FILE = "state.bin";

    private final Path folder;
    private final Configuration conf;
    private final int keep;

    /**
     * Opens a checkpoint folder.
     *
     * @param folder the folder (created on the first write)
     * @param conf the Hadoop configuration
     * @param keep how many checkpoints to keep, at least 1
     */
    public Checkpoints(String folder, Configuration conf, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("checkpoint.keep must be >= 1, got " + keep);
        }
        this.folder = new Path(folder);
        this.conf = conf;
        this.keep = keep;
    }

    /** A checkpoint as read back. */
    public record Saved(String runId, String fingerprint, TrainingState state) {}

    /**
     * Writes the state after a round, then removes checkpoints beyond the newest {@code keep}.
     *
     * @param runId the run's id (kept across resumes)
     * @param fingerprint what must match to resume from it (spec and settings)
     * @param state the state after the round
     */
    public void save(String runId, String fingerprint, TrainingState state) {
        save(runId, fingerprint, state, stage());
    }

    /**
     * Returns the sink a trainer writes this run's checkpoints to.
     *
     * @param runId the run's id
     * @param fingerprint what must match to resume
     * @return the sink
     */
    public DistributedTrainer.CheckpointSink sinkFor(String runId, String fingerprint) {
        return new DistributedTrainer.CheckpointSink() {
            @Override
            public String stage() {
                return Checkpoints.this.stage();
            }

            @Override
            public void save(TrainingState state, String staged) {
                Checkpoints.this.save(runId, fingerprint, state, staged);
            }
        };
    }

    /**
     * Creates a staging folder for a round's checkpoint, where tasks may write slice files before
     * the driver commits the round with {@link #save(String, String, TrainingState, String)}.
     *
     * @return the staging folder's path
     */
    public String stage() {
        Path tmp = new Path(folder, "._tmp-" + UUID.randomUUID());
        try {
            tmp.getFileSystem(conf).mkdirs(tmp);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + tmp, e);
        }
        return tmp.toString();
    }

    /**
     * Commits a round written to a staging folder: checks that every slice file is there, writes the
     * state (the marker that the round is complete), renames the folder to the round's name, and
     * removes checkpoints beyond the newest {@code keep}.
     *
     * @param runId the run's id
     * @param fingerprint what must match to resume from it
     * @param state the state after the round (its arrays, or where its slices are)
     * @param staged the staging folder from {@link #stage()}
     * @throws IllegalStateException if a slice file is missing
     */
    public void save(String runId, String fingerprint, TrainingState state, String staged) {
        try {
            FileSystem fs = folder.getFileSystem(conf);
            Path target = new Path(folder, String.format(Locale.ROOT, "%s%06d", PREFIX, state.nextRound() - 1));
            Path tmp = new Path(staged);
            if (state.slices() != null) {
                state.slices().requireComplete(conf, staged);
            }
            try (FSDataOutputStream raw = fs.create(new Path(tmp, STATE_FILE), true);
                    ObjectOutputStream out = new ObjectOutputStream(new java.io.BufferedOutputStream(raw, 1 << 16))) {
                out.writeInt(FORMAT_VERSION);
                out.writeUTF(runId);
                out.writeObject(fingerprint);
                out.writeObject(state);
            }
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                fs.delete(tmp, true);
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            List<Path> all = list(fs);
            for (int i = 0; i < all.size() - keep; i++) {
                fs.delete(all.get(i), true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a checkpoint under " + folder, e);
        }
    }

    /**
     * Reads the newest checkpoint.
     *
     * @return the newest checkpoint, or empty if there is none
     * @throws IllegalStateException if the newest checkpoint cannot be read
     */
    public Optional<Saved> latest() {
        try {
            FileSystem fs = folder.getFileSystem(conf);
            if (!fs.exists(folder)) {
                return Optional.empty();
            }
            List<Path> all = list(fs);
            if (all.isEmpty()) {
                return Optional.empty();
            }
            Path newest = new Path(all.get(all.size() - 1), STATE_FILE);
            try (FSDataInputStream raw = fs.open(newest);
                    ObjectInputStream in = new CheckpointInputStream(new java.io.BufferedInputStream(raw, 1 << 16))) {
                int version = in.readInt();
                if (version < 1 || version > FORMAT_VERSION) {
                    throw new IllegalStateException(
                            newest + " has checkpoint format " + version + "; this build reads 1 to " + FORMAT_VERSION);
                }
                String runId = in.readUTF();
                String fingerprint = (String) in.readObject();
                TrainingState state = (TrainingState) in.readObject();
                if (state.slices() != null) {
                    String at = all.get(all.size() - 1).toString();
                    state = new TrainingState(state.nextRound(), null, null, state.rounds(), state.trainedSamples(),
                            state.elapsedSeconds(), null, state.slices().in(at));
                }
                return Optional.of(new Saved(runId, fingerprint, state));
            } catch (ClassNotFoundException | InvalidClassException e) {
                throw new IllegalStateException(newest + " was written by an incompatible build", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints under " + folder, e);
        }
    }

    private List<Path> list(FileSystem fs) throws IOException {
        FileStatus[] statuses = fs.listStatus(folder, p -> p.getName().startsWith(PREFIX));
        List<Path> paths = new ArrayList<>();
        Arrays.stream(statuses).filter(FileStatus::isDirectory).forEach(s -> paths.add(s.getPath()));
        paths.sort(Comparator.comparing(Path::getName));
        return paths;
    }
}
