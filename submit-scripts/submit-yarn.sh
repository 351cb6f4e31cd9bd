#!/usr/bin/env bash
# submit-yarn.sh: runs the SparkConv job on Hadoop YARN (cluster mode: the driver runs in the
# application master's container).
#
#   submit-yarn.sh JOB-ARGS...
#   submit-yarn.sh [--gpu] [SPARK-SUBMIT-OPTIONS...] -- JOB-ARGS...
#
# Needs a Spark 3.5 distribution built with YARN support (SPARK_HOME) and the cluster's client
# configuration (HADOOP_CONF_DIR or YARN_CONF_DIR). Executors run Java 17: if the nodes' default
# java is older, set spark.executorEnv.JAVA_HOME and spark.yarn.appMasterEnv.JAVA_HOME.
# JOB-ARGS are the job's own options (as `sparkconv run`). In cluster mode the driver is on a
# cluster node: give --input/--output as hdfs:// (or s3a:// ...) paths, and ship the model with
#   submit-yarn.sh --files model.json,model.safetensors -- --model model.json ...
# (files given with --files land in the driver's working directory under their base names).
# Options before "--" go to spark-submit, e.g. --queue gpu --num-executors 8 --deploy-mode client.
# --gpu  applies conf/spark-defaults-gpu.conf and ships submit-scripts/gpu-discovery.sh with
#        --files as each executor's GPU discovery script (YARN needs GPU scheduling enabled:
#        yarn.resource-types=yarn.io/gpu on the ResourceManager).
# Environment: see submit-scripts/_common.sh (SPARKCONV_APP_JAR, SPARKCONV_MAIN_CLASS, ...).
set -euo pipefail
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

case "${1:-}" in -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;; esac
[ -n "${SPARK_HOME:-}" ] \
  || sc_die "YARN needs a Spark 3.5 distribution with YARN support: set SPARK_HOME (the project's Maven jars have no YARN client)"
[ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] \
  || sc_die "set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the directory holding the cluster's yarn-site.xml"
sc_split_args "$@"
sc_conf_load_default

extra=()
if [ "$SC_GPU" = 1 ]; then
  # The discovery script travels with the job; the GPU template names it ./gpu-discovery.sh. If the
  # user ships other files with --files too, spark-submit keeps only the last --files: merge them.
  files="$SC_ROOT/submit-scripts/gpu-discovery.sh"
  rest=()
  for ((i = 0; i < ${#SC_SUBMIT_OPTS[@]}; i++)); do
    case "${SC_SUBMIT_OPTS[i]}" in
      --files) files+=",${SC_SUBMIT_OPTS[i + 1]:-}"; i=$((i + 1)) ;;
      --files=*) files+=",${SC_SUBMIT_OPTS[i]#--files=}" ;;
      *) rest+=("${SC_SUBMIT_OPTS[i]}") ;;
    esac
  done
  SC_SUBMIT_OPTS=("${rest[@]}")
  extra=(--files "$files")
fi
sc_submit --master yarn --deploy-mode cluster --name sparkconv "${extra[@]}"
