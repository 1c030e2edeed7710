/**
 * The attention blocks as DJL blocks, one per file, each matching a named reference
 * implementation (parameter names, shapes, initialisation and forward), and {@link
 * io.attnspark.nn.Attentions}, the registry by short name. Reference PyTorch weights load by
 * {@code state_dict} name through {@link io.attnspark.nn.StateDict}. This package does not use
 * Spark.
 */
package io.attnspark.nn;
