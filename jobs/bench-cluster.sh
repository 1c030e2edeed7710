#!/usr/bin/env bash
# Round-time breakdown on the local standalone cluster (issue 5's benchmark): starts the cluster (two
# executor JVMs, 1 core each), trains ResNet-20 with 2 replicas (batch BATCH, default 64, per replica) on
# IMAGES Fashion-MNIST images for one epoch at each K, prints each run's median round-time breakdown
# (`bench rounds`), stops the cluster. METHODS (default "tree") lists the sync.method values to run at each
# K, one after another; EXTRA adds config overrides to every run (e.g. EXTRA="model.depth=50").
#   jobs/bench-cluster.sh [IMAGES] [K...]        e.g. jobs/bench-cluster.sh 60000 10 50
#   METHODS="tree sharded tree sharded" jobs/bench-cluster.sh 20000 10
# Run it on a quiet machine. Needs a build and runs/data/fashion-mnist (jobs/quickstart.sh makes both).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
images="${1:-60000}"
batch="${BATCH:-64}"
shift || true
ks=("$@")
[[ ${#ks[@]} -gt 0 ]] || ks=(10 50)
run_dir="$root/runs/bench-cluster"
table="$root/runs/data/fashion-mnist"
[[ -d "$table" ]] || { echo "bench-cluster: no $table; run jobs/attnspark ingest fashion-mnist --out $table" >&2; exit 1; }
mkdir -p "$run_dir"
export SPARK_MASTER_PORT="${SPARK_MASTER_PORT:-7177}" SPARK_MASTER_WEBUI_PORT="${SPARK_MASTER_WEBUI_PORT:-8180}"
master="$(jobs/cluster-up.sh "$run_dir/cluster" | tail -n 1)"
trap 'jobs/cluster-down.sh "$run_dir/cluster" >/dev/null' EXIT
read -r -a methods <<< "${METHODS:-tree}"
read -r -a extra <<< "${EXTRA:-}"
for k in "${ks[@]}"; do
  n=0
  for method in "${methods[@]}"; do
    n=$((n + 1))
    out="$run_dir/k$k-$method-$n"
    rm -rf "$out" "$out.rss"
    echo "== 2 executors x 1 core, $images images, 1 epoch, batch $batch per replica, K = $k, sync.method = $method ${extra[*]:-}"
    # Peak resident memory of the executor JVMs during the run, sampled every 0.5 s.
    ( peak=0; while sleep 0.5; do
        for pid in $(pgrep -f CoarseGrainedExecutorBackend || true); do
          kb=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
          (( ${kb:-0} > peak )) && peak=$kb && echo "$peak" > "$out.rss"
        done
      done ) &
    sampler=$!
    SPARK_MASTER="$master" jobs/submit.sh train --conf conf/train-fmnist.conf "data.table=\"$table\"" \
      "output.path=\"$out\"" "data.train-limit=$images" train.epochs=1 "train.batch-size=$batch" sync.shards=2 \
      "sync.every=$k" "sync.method=$method" checkpoint.every=1 ${extra[@]+"${extra[@]}"} 2> "$out.log" | grep '^run ' \
      || { echo "run failed; see $out.log" >&2; exit 1; }
    kill "$sampler" 2>/dev/null || true
    echo "largest executor RSS during the run: $(awk '{printf "%.0f MB", $1 / 1024}' "$out.rss" 2>/dev/null)"
    jobs/attnspark bench rounds --run "$out" 2>/dev/null
  done
done
