#!/usr/bin/env bash
# submit-local.sh: runs the SparkConv job with spark-submit in local mode (one JVM, all cores).
#
#   submit-local.sh JOB-ARGS...
#   submit-local.sh [SPARK-SUBMIT-OPTIONS...] -- JOB-ARGS...
#
# JOB-ARGS are the job's own options (as `sparkconv run`): --model M.json --input PATH --output PATH
# [--column NAME] [--output-column NAME] [--errors PATH] [--batch-size N] [--device auto|cpu|gpu].
# Options before "--" go to spark-submit; the default master local[*] can be changed there, e.g.
#   submit-local.sh --master 'local[2]' --conf spark.sql.shuffle.partitions=8 -- --model m.json ...
# GPU scheduling (--gpu) does not exist in local mode: pass --device gpu to the job instead.
# Uses $SPARK_HOME/bin/spark-submit when SPARK_HOME is set, else the project's Maven jars.
# Environment: see submit-scripts/_common.sh (SPARKCONV_APP_JAR, SPARKCONV_MAIN_CLASS, ...).
set -euo pipefail
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

case "${1:-}" in -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;; esac
sc_split_args "$@"
[ "$SC_GPU" = 0 ] || sc_die "--gpu: Spark has no GPU scheduling in local mode; pass --device gpu to the job instead"
sc_conf_load_default
# Everything runs in this one JVM: bind it to the loopback interface unless told otherwise.
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
sc_submit --master 'local[*]' --name sparkconv
