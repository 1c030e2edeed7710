#!/usr/bin/env bash
# Submits an ablation job to a Spark cluster (spark-submit, or Spark's SparkSubmit class when there is no
# SPARK_HOME), with the same config files and overrides as `jobs/attnspark ablate`:
#   SPARK_MASTER=spark://host:7077 jobs/ablate.sh --conf conf/ablation-full.conf [--dry-run] [key=value ...]
# Without --conf it runs conf/ablation-fmnist.conf. Started again with the same config and output.path,
# it skips finished cells and continues a killed cell from its newest checkpoint.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
has_conf=false
for arg in "$@"; do [[ "$arg" == --conf || "$arg" == --conf=* ]] && has_conf=true; done
if ! $has_conf; then
  set -- --conf "$root/conf/ablation-fmnist.conf" "$@"
fi
exec "$root/jobs/submit.sh" ablate "$@"
