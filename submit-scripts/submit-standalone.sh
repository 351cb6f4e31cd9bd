#!/usr/bin/env bash
# submit-standalone.sh: runs the SparkConv job on a Spark standalone cluster (client mode: the
# driver runs here, executors on the workers).
#
#   submit-standalone.sh MASTER_URL JOB-ARGS...
#   submit-standalone.sh MASTER_URL [--gpu] [SPARK-SUBMIT-OPTIONS...] -- JOB-ARGS...
#
# MASTER_URL is spark://HOST:PORT, e.g. the last line of `local-cluster.sh start`.
# JOB-ARGS are the job's own options (as `sparkconv run`): --model M.json --input PATH --output PATH
# [--column NAME] [--output-column NAME] [--errors PATH] [--batch-size N] [--device auto|cpu|gpu].
# Paths must be readable by the driver (the model) and by every executor (input, output).
# Options before "--" go to spark-submit, e.g. --executor-memory 8g --total-executor-cores 16.
# --gpu  applies conf/spark-defaults-gpu.conf: one GPU per executor, 0.25 per task. The workers
#        must announce GPUs themselves (spark.worker.resource.gpu.*; local-cluster.sh --gpus).
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else the project's Maven jars.
# Environment: see submit-scripts/_common.sh (SPARKCONV_APP_JAR, SPARKCONV_MAIN_CLASS, ...).
set -euo pipefail
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

case "${1:-}" in -h | --help | '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;; esac
MASTER="$1"
shift
[[ "$MASTER" =~ ^spark://[^/]+:[0-9]+(,[^/]+:[0-9]+)*$ ]] \
  || sc_die "MASTER_URL must look like spark://HOST:PORT, got '$MASTER'"
sc_split_args "$@"
sc_conf_load_default

case "$MASTER" in
  spark://127.* | spark://localhost:*)
    # A cluster on this machine only (local-cluster.sh): keep the driver on the loopback interface
    # too, so executors reach it whatever the host name resolves to.
    export SPARK_LOCAL_IP=127.0.0.1
    sc_conf_set spark.driver.host 127.0.0.1
    sc_conf_set spark.driver.bindAddress 127.0.0.1
    ;;
esac
sc_submit --master "$MASTER" --deploy-mode client --name sparkconv
