#!/usr/bin/env bash
# The main job on a fresh machine: install the data set if missing, build, ingest Fashion-MNIST,
# train ResNet-20 with 2 replicas on an embedded Spark. Extra arguments go to `train` as overrides.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs/setup.sh
table="runs/data/fashion-mnist"
if [[ ! -d "$table" ]]; then
  jobs/attnspark ingest fashion-mnist --out "$table"
fi
jobs/attnspark train --conf conf/train-fmnist.conf "$@"
