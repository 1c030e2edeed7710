#!/usr/bin/env bash
# The main job on a fresh machine: install the data set if missing, build, ingest Fashion-MNIST, run the
# quick ablation (baseline, SE, GC, A², iAFF on ResNet-20, 2 seeds; conf/ablation-fmnist.conf) on an
# embedded Spark; the job writes the tables and report.html under runs/ablation-fmnist/. Extra arguments go to `ablate` as config overrides. Started again,
# it skips the cells that finished.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs/setup.sh
table="runs/data/fashion-mnist"
if [[ ! -d "$table" ]]; then
  jobs/attnspark ingest fashion-mnist --out "$table"
fi
jobs/attnspark ablate --conf conf/ablation-fmnist.conf "$@"
