#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPUs of this host in the form Spark 3.5 expects from
# spark.{worker,executor,driver}.resource.gpu.discoveryScript, e.g.
#   {"name":"gpu","addresses":["0","1"]}
# The addresses are nvidia-smi's indexes (what CUDA calls device ordinals when CUDA_VISIBLE_DEVICES
# is unset). A host without nvidia-smi, or whose nvidia-smi fails, has none:
#   {"name":"gpu","addresses":[]}
# (Spark then refuses to start an executor or worker that asked for GPUs, with a message naming
# the amount; that is the right outcome on a machine without GPUs.)
set -u

addresses=""
if command -v nvidia-smi >/dev/null 2>&1; then
  if indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null); then
    for i in $indexes; do
      case "$i" in
        *[!0-9]* | '') ;;
        *) addresses="${addresses:+$addresses,}\"$i\"" ;;
      esac
    done
  fi
fi
printf '{"name":"gpu","addresses":[%s]}\n' "$addresses"
