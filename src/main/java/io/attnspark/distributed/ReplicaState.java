package io.attnspark.distributed;

import java.io.Serializable;

/**
 * What the driver broadcasts each round: the averaged parameters and momentum buffers.
 *
 * @param parameters flat parameters in the replicas' layout
 * @param momentum flat momentum buffers of the trainable parameters
 */
public record ReplicaState(float[] parameters, float[] momentum) implements Serializable {}
