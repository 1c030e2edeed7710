#!/usr/bin/env bash
# Stops the standalone cluster started by jobs/cluster-up.sh [RUN_DIR], by PID (workers end their
# executors on SIGTERM). Logs and work folders stay in RUN_DIR.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="${1:-$root/runs/cluster}"
for name in worker-1 worker-2 master; do
  pid_file="$run_dir/pids/$name"
  [[ -f "$pid_file" ]] || continue
  pid="$(cat "$pid_file")"
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pid_file"
done
