#!/usr/bin/env bash
# Submits an attnspark command to a Spark cluster with the application jar (our code + DJL and its
# CPU natives; Spark and Hadoop come from the cluster).
#   SPARK_MASTER=spark://host:7077 jobs/submit.sh train --conf conf/train-fmnist.conf [key=value ...]
# Uses $SPARK_HOME/bin/spark-submit when there is one, else Spark's SparkSubmit class from the
# launcher's classpath (target/lib). Extra spark-submit options: SPARK_SUBMIT_OPTS_EXTRA="--conf k=v ...".
# The driver's heap (client mode without a Spark installation): DRIVER_MEMORY, default 2g; with
# sync.method = tree it holds a few replica states at once (raise it for large models).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$(ls "$root"/target/attnspark-*-app.jar 2>/dev/null | head -n 1 || true)"
[[ -n "$app" ]] || { echo "submit: no application jar; run: mvn -B -q package -DskipTests" >&2; exit 1; }
master="${SPARK_MASTER:-local[*]}"
args=(--master "$master" --deploy-mode client --class io.attnspark.cli.Main
      --properties-file "$root/conf/spark-defaults.conf"
      --driver-java-options "-Dai.djl.offline=true -Dlog4j.configurationFile=$root/conf/log4j2.properties")
# shellcheck disable=SC2206
extra=(${SPARK_SUBMIT_OPTS_EXTRA:-})
source "$root/jobs/native-env.sh"
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  exec "$SPARK_HOME/bin/spark-submit" "${args[@]}" "${extra[@]}" "$app" "$@"
fi
# Client mode through the SparkSubmit class: the driver is this JVM, so its options go here.
exec java -Xmx"${DRIVER_MEMORY:-2g}" @"$root/conf/jvm-spark.options" -Dlog4j.configurationFile="$root/conf/log4j2.properties" \
  -cp "$root/target/lib/*" \
  org.apache.spark.deploy.SparkSubmit "${args[@]}" "${extra[@]}" "$app" "$@"
