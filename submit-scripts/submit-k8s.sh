#!/usr/bin/env bash
# submit-k8s.sh: runs the SparkConv job on Kubernetes (cluster mode: driver and executors are pods).
#
#   submit-k8s.sh K8S_API_URL JOB-ARGS...
#   submit-k8s.sh K8S_API_URL [--gpu] [SPARK-SUBMIT-OPTIONS...] -- JOB-ARGS...
#
# K8S_API_URL is the API server, e.g. https://10.0.0.1:6443 (k8s:// is added when missing).
# Needs a Spark 3.5 distribution (SPARK_HOME) and a container image with Java 17, Spark 3.5 and the
# application jar (docs/cluster.md has a Dockerfile):
#   SPARKCONV_K8S_IMAGE  the image (required; or --conf spark.kubernetes.container.image=...)
#   SPARKCONV_APP_JAR    default local:///opt/sparkconv/sparkconv-job-spark.jar (the image's copy)
#   SPARKCONV_K8S_NAMESPACE, SPARKCONV_K8S_SERVICE_ACCOUNT  default "default" and "spark"
#   SPARKCONV_K8S_GPU_DISCOVERY  the discovery script inside the image
#                        (default /opt/sparkconv/gpu-discovery.sh)
# JOB-ARGS are the job's own options (as `sparkconv run`); the driver runs in a pod, so --model,
# --input and --output must be paths the pods can read (object store, a mounted volume, or files
# baked into the image).
# --gpu  applies conf/spark-defaults-gpu.conf: each executor pod requests one nvidia.com/gpu (the
#        NVIDIA device plugin must run on the nodes).
# Environment: see submit-scripts/_common.sh.
set -euo pipefail
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

case "${1:-}" in -h | --help | '') sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;; esac
API="$1"
shift
case "$API" in
  k8s://*) MASTER="$API" ;;
  http://* | https://*) MASTER="k8s://$API" ;;
  *) sc_die "K8S_API_URL must be https://HOST:PORT (or k8s://https://HOST:PORT), got '$API'" ;;
esac
[ -n "${SPARK_HOME:-}" ] \
  || sc_die "Kubernetes needs a Spark 3.5 distribution: set SPARK_HOME (the project's Maven jars have no Kubernetes client)"
export SPARKCONV_APP_JAR="${SPARKCONV_APP_JAR:-local:///opt/sparkconv/sparkconv-job-spark.jar}"
sc_split_args "$@"
sc_conf_load_default

if [ -n "${SPARKCONV_K8S_IMAGE:-}" ]; then
  sc_conf_set spark.kubernetes.container.image "$SPARKCONV_K8S_IMAGE"
elif ! printf '%s\n' "${SC_SUBMIT_OPTS[@]}" | grep -q '^spark\.kubernetes\.container\.image='; then
  sc_die "set SPARKCONV_K8S_IMAGE (or --conf spark.kubernetes.container.image=...) to an image with Java 17, Spark 3.5 and the application jar"
fi
sc_conf_set spark.kubernetes.namespace "${SPARKCONV_K8S_NAMESPACE:-default}"
sc_conf_set spark.kubernetes.authenticate.driver.serviceAccountName "${SPARKCONV_K8S_SERVICE_ACCOUNT:-spark}"
if [ "$SC_GPU" = 1 ]; then
  sc_conf_set spark.executor.resource.gpu.discoveryScript "${SPARKCONV_K8S_GPU_DISCOVERY:-/opt/sparkconv/gpu-discovery.sh}"
fi
sc_submit --master "$MASTER" --deploy-mode cluster --name sparkconv
