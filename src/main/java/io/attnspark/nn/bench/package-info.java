/**
 * Benchmarks of the attention blocks ({@link io.attnspark.nn.bench.BlockBenchmark}): time and
 * memory of forward+backward against a 3x3 conv of the same width.
 */
package io.attnspark.nn.bench;
