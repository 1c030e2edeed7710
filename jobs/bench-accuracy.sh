#!/usr/bin/env bash
# Test accuracy of 1 replica vs 2 and 4 replicas at several K, same epochs and seeds, on Fashion-MNIST
# with ResNet-20 (issue 5's accuracy benchmark). Appends one TSV line per run to OUT and prints it.
#   jobs/bench-accuracy.sh [EPOCHS] [SEEDS] [OUT]     e.g. jobs/bench-accuracy.sh 5 "1 2"
# GLOBAL_BATCH=128 keeps the images per averaged step fixed: each of R replicas gets GLOBAL_BATCH / R
# (unset: every replica uses conf/train-fmnist.conf's train.batch-size). CONFIGS="R K ..." picks the runs.
# Needs the table from `jobs/attnspark ingest fashion-mnist --out runs/data/fashion-mnist` and a build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
epochs="${1:-5}"
seeds="${2:-1 2}"
out="${3:-$root/runs/bench-accuracy/results.tsv}"
global_batch="${GLOBAL_BATCH:-}"
configs="${CONFIGS:-1 1,2 1,2 10,2 50,4 1,4 10,4 50}"
mkdir -p "$(dirname "$out")"
[[ -f "$out" ]] || printf 'replicas\tK\tseed\tepochs\ttest_top1\timages_per_s\tbatch\n' > "$out"
IFS=',' read -r -a config_list <<< "$configs"
for seed in $seeds; do
  for config in "${config_list[@]}"; do
    read -r replicas k <<< "$config"
    batch_args=()
    batch_tag=""
    if [[ -n "$global_batch" ]]; then
      batch_args=("train.batch-size=$((global_batch / replicas))")
      batch_tag="-b$((global_batch / replicas))"
    fi
    dir="$root/runs/bench-accuracy/r$replicas-k$k-s$seed-e$epochs$batch_tag"
    mkdir -p "$(dirname "$dir")"
    if grep -q "^$replicas	$k	$seed	$epochs	" "$out"; then continue; fi  # done in an earlier run
    # --resume: a run killed part-way continues from its last checkpoint when the sweep is restarted.
    line="$("$root/jobs/attnspark" train --master "local[2]" --conf "$root/conf/train-fmnist.conf" --resume \
      sync.shards="$replicas" sync.every="$k" train.seed="$seed" train.epochs="$epochs" output.path="\"$dir\"" \
      "${batch_args[@]}" \
      2>"$dir.log" | grep '^run ' || true)"
    if [[ -z "$line" ]]; then
      echo "replicas=$replicas K=$k seed=$seed failed; see $dir.log" >&2
      continue
    fi
    accuracy="$(sed -E 's/.*test accuracy ([0-9.]+).*/\1/' <<< "$line")"
    rate="$(sed -E 's/.*, ([0-9]+) img\/s.*/\1/' <<< "$line")"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$replicas" "$k" "$seed" "$epochs" "$accuracy" "$rate" \
      "${batch_tag#-b}" | tee -a "$out"
  done
done
