#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1 built from the project's Maven-resolved Spark jars (no
# Spark tarball needed): one master and two workers (1 core, 3 GiB each), sized for 2 cores / 24 GiB.
#   jobs/cluster-up.sh [RUN_DIR]        (default runs/cluster; logs, PIDs and work folders go there)
# Environment:
#   ATTNSPARK_FAKE_GPUS=1   each worker reports one GPU through a discovery script (worker 1 "0",
#                           worker 2 "1"), to exercise GPU scheduling on a machine without GPUs
#   SPARK_MASTER_PORT (7077), SPARK_MASTER_WEBUI_PORT (8080)
# Prints the master URL on success. Stop with jobs/cluster-down.sh [RUN_DIR].
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run_dir="$(mkdir -p "${1:-$root/runs/cluster}" && cd "${1:-$root/runs/cluster}" && pwd)"
port="${SPARK_MASTER_PORT:-7077}"
ui_port="${SPARK_MASTER_WEBUI_PORT:-8080}"
[[ -d "$root/target/lib" ]] || { echo "cluster-up: no target/lib; run: mvn -B -q package -DskipTests" >&2; exit 1; }

# SPARK_HOME needs only jars/: the launcher's runtime jars (Spark, Hadoop and DJL).
spark_home="$root/target/spark-home"
mkdir -p "$spark_home"
ln -sfn "$root/target/lib" "$spark_home/jars"
mkdir -p "$spark_home/conf" && cp "$root/conf/log4j2.properties" "$spark_home/conf/log4j2.properties"
mkdir -p "$run_dir/logs" "$run_dir/pids"

jvm=(java @"$root/conf/jvm-spark.options" -Dlog4j.configurationFile="$spark_home/conf/log4j2.properties"
     -cp "$spark_home/conf:$spark_home/jars/*")
export SPARK_HOME="$spark_home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
source "$root/jobs/native-env.sh"

wait_for() { # seconds, description, command...
  local limit=$1 what=$2; shift 2
  for ((i = 0; i < limit * 2; i++)); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "cluster-up: $what did not come up within ${limit}s; logs in $run_dir/logs" >&2
  return 1
}
alive_workers() { # the master's JSON status lists each worker with its state
  curl -fsS "http://127.0.0.1:$ui_port/json/" | grep -o '"state" *: *"ALIVE"' | wc -l
}

nohup "${jvm[@]}" -Xmx256m org.apache.spark.deploy.master.Master \
  --host 127.0.0.1 --port "$port" --webui-port "$ui_port" > "$run_dir/logs/master.log" 2>&1 &
echo $! > "$run_dir/pids/master"
wait_for 60 "the master" bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"

for i in 1 2; do
  gpu_opts=()
  if [[ "${ATTNSPARK_FAKE_GPUS:-0}" == 1 ]]; then
    script="$run_dir/gpus-worker-$i.sh"
    printf '#!/usr/bin/env bash\necho '"'"'{"name":"gpu","addresses":["%d"]}'"'"'\n' "$((i - 1))" > "$script"
    chmod +x "$script"
    gpu_opts=(-Dspark.worker.resource.gpu.amount=1 -Dspark.worker.resource.gpu.discoveryScript="$script")
  fi
  mkdir -p "$run_dir/work-$i"
  nohup "${jvm[@]}" -Xmx512m "${gpu_opts[@]}" org.apache.spark.deploy.worker.Worker \
    --host 127.0.0.1 --cores 1 --memory 3g --webui-port 0 --work-dir "$run_dir/work-$i" \
    "spark://127.0.0.1:$port" > "$run_dir/logs/worker-$i.log" 2>&1 &
  echo $! > "$run_dir/pids/worker-$i"
done
wait_for 90 "two workers" bash -c "[[ \$(curl -fsS http://127.0.0.1:$ui_port/json/ | grep -o '\"state\" *: *\"ALIVE\"' | wc -l) -ge 2 ]]"
echo "spark://127.0.0.1:$port"
