package io.attnspark.distributed;

import static io.attnspark.distributed.SettingsCheck.require;

import java.io.Serializable;

/**
 * When a run saves its averaged state and whether it continues from a saved one (a train job's {@code
 * checkpoint} section, and {@code train --resume}).
 *
 * @param every rounds between checkpoints (the last round is always checkpointed)
 * @param keep how many of the newest checkpoints to keep
 * @param resume continue from the newest checkpoint under the output path, if any
 */
public record CheckpointSettings(int every, int keep, boolean resume) implements Serializable {

    /**
     * Validates the section.
     *
     * @throws IllegalArgumentException naming the key
     */
    public CheckpointSettings {
        require(every >= 1, "checkpoint.every", every, ">= 1");
        require(keep >= 1, "checkpoint.keep", keep, ">= 1");
    }
}
