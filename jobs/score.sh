#!/usr/bin/env bash
# Submits `attnspark score` to a Spark cluster (see jobs/submit.sh for the jar, master and options):
#   SPARK_MASTER=spark://host:7077 jobs/score.sh --model runs/train-fmnist/model \
#       --input runs/data/fashion-mnist --out runs/predictions [--top-k 5] [--batch-size 128]
# Paths must be readable by the driver and the executors (a shared file system, hdfs:// or s3a://).
# Each task scores with spark.task.cpus libtorch threads, or on its GPU when Spark assigns one
# (e.g. SPARK_SUBMIT_OPTS_EXTRA="--conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1").
set -euo pipefail
exec "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/submit.sh" score "$@"
