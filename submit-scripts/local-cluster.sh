#!/usr/bin/env bash
# local-cluster.sh: a real Spark standalone cluster (one master, N workers) on 127.0.0.1, run from
# the built project with no Spark install: SPARK_HOME is a directory whose jars/ is job/target/lib.
#
#   local-cluster.sh start [--workers N] [--cores C] [--memory M] [--gpus | --gpu-addresses LIST]
#   local-cluster.sh stop
#   local-cluster.sh status
#
# start   builds the project if job/target/lib is missing, starts the master and N workers (default
#         2 workers x 1 core x 4g, so the default executor memory of conf/spark-defaults-*.conf fits)
#         on free ports, waits until the master lists every worker ALIVE, and prints the master URL
#         spark://127.0.0.1:PORT as its last line on stdout. Already running: prints that URL again.
#   --gpus  give the workers this host's GPUs (submit-scripts/gpu-discovery.sh), dealt round-robin
#         so no two workers share one; --gpu-addresses 0,1 names them instead (also how to exercise
#         GPU scheduling on a host without GPUs: Spark only hands the addresses out).
#   stop    stops the workers (and so their executors), then the master; safe to repeat.
#   status  prints the master URL, web UI and alive workers; exit status 3 when not running.
#
# Everything lives under $SPARKCONV_CLUSTER_DIR (default ./local-cluster in the project root):
# pid files, daemon logs (master.log, worker-I.log) and each worker's work directory
# (worker-I/app-.../EXECUTOR/stderr holds executor logs).
# Environment: JAVA_HOME, SPARKCONV_CLUSTER_DIR, SPARKCONV_CLUSTER_TIMEOUT (seconds to wait for the
# workers, default 120), SPARKCONV_DAEMON_MEMORY (heap of master and workers, default 512m).
set -euo pipefail
# shellcheck source=_common.sh
. "$(dirname "${BASH_SOURCE[0]}")/_common.sh"

DIR="${SPARKCONV_CLUSTER_DIR:-$SC_ROOT/local-cluster}"
TIMEOUT="${SPARKCONV_CLUSTER_TIMEOUT:-120}"
DAEMON_MEMORY="${SPARKCONV_DAEMON_MEMORY:-512m}"

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# True when pid file $1 names a live process that we started (its command line carries our marker).
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-Dsparkconv.localcluster=$DIR "
}

# Fetches a URL on 127.0.0.1 (curl, else bash's /dev/tcp).
http_get() {
  local url="$1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsS --max-time 5 "$url"
  else
    local hostport="${url#http://}" path
    path="/${hostport#*/}"
    hostport="${hostport%%/*}"
    exec 3<>"/dev/tcp/${hostport%:*}/${hostport#*:}" || return 1
    printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' "$path" "$hostport" >&3
    sed '1,/^\r$/d' <&3
    exec 3<&-
  fi
}

# The first port from $1 up on which nothing listens on 127.0.0.1.
free_port() {
  local p="$1"
  while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do
    p=$((p + 1))
    [ "$p" -lt 65535 ] || sc_die "no free port found"
  done
  echo "$p"
}

# Waits for a line matching the extended regex $2 in log $1; prints the first capture ($3: sed
# expression) of it. Fails early when the process of pid file $4 has died.
wait_log() {
  local log="$1" re="$2" sedexpr="$3" pidfile="$4" t=0 hit
  while :; do
    hit="$(grep -E -m1 "$re" "$log" 2>/dev/null | sed -E "$sedexpr" || true)"
    if [ -n "$hit" ]; then echo "$hit"; return 0; fi
    alive "$pidfile" || return 1
    [ "$t" -lt "$TIMEOUT" ] || return 1
    sleep 1
    t=$((t + 1))
  done
}

alive_workers() {
  http_get "$(cat "$DIR/master-ui.url")/json/" 2>/dev/null \
    | tr -d '\n' | grep -o '"aliveworkers" *: *[0-9]*' | grep -o '[0-9]*$' || echo 0
}

launch() { # pidfile log java-args...
  local pidfile="$1" log="$2"
  shift 2
  # setsid: the daemons must outlive this script and the terminal that ran it.
  SPARK_HOME="$DIR/spark-home" SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 \
    setsid "$JAVA" "${SC_JVM_FLAGS[@]}" "-Xmx$DAEMON_MEMORY" "-Dsparkconv.localcluster=$DIR" \
    -cp "$DIR/spark-home/jars/*" "$@" </dev/null >"$log" 2>&1 &
  echo $! >"$pidfile"
}

stop_pidfile() { # pidfile: TERM, wait up to 15 s, then KILL
  local f="$1" pid t=0
  if alive "$f"; then
    pid="$(cat "$f")"
    kill -TERM "$pid" 2>/dev/null || true
    while [ -d "/proc/$pid" ] && [ "$t" -lt 15 ]; do sleep 1; t=$((t + 1)); done
    if [ -d "/proc/$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    echo "stopped $(basename "$f" .pid) (pid $pid)" >&2
  fi
  rm -f "$f"
}

cmd_stop() {
  local f pid cwd
  [ -d "$DIR" ] || { echo "local cluster: not running" >&2; return 0; }
  for f in "$DIR"/worker-*.pid; do [ -e "$f" ] && stop_pidfile "$f"; done
  # A worker stops its executors when it stops; one killed hard may leave them behind. They run
  # in that worker's work directory, which is how we recognise ours.
  for cwd in /proc/[0-9]*/cwd; do
    pid="${cwd#/proc/}"
    pid="${pid%/cwd}"
    case "$(readlink "$cwd" 2>/dev/null || true)" in
      "$DIR"/worker-*/app-*)
        if kill -KILL "$pid" 2>/dev/null; then echo "stopped leftover executor (pid $pid)" >&2; fi ;;
    esac
  done
  [ -e "$DIR/master.pid" ] && stop_pidfile "$DIR/master.pid"
  rm -f "$DIR/master.url" "$DIR/master-ui.url"
  echo "local cluster: stopped" >&2
}

cmd_status() {
  if ! alive "$DIR/master.pid" || [ ! -f "$DIR/master.url" ]; then
    echo "local cluster: not running" >&2
    return 3
  fi
  local f n=0 total=0
  for f in "$DIR"/worker-*.pid; do
    [ -e "$f" ] || continue
    total=$((total + 1))
    alive "$f" && n=$((n + 1))
  done
  echo "web UI:  $(cat "$DIR/master-ui.url")" >&2
  echo "workers: $n of $total processes running, $(alive_workers) ALIVE at the master" >&2
  echo "logs:    $DIR" >&2
  cat "$DIR/master.url"
}

cmd_start() {
  local workers=2 cores=1 memory=4g gpus="" i port uiport url uiurl t
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers="${2:?--workers needs a number}"; shift ;;
      --cores) cores="${2:?--cores needs a number}"; shift ;;
      --memory) memory="${2:?--memory needs a size such as 4g}"; shift ;;
      --gpus) gpus=auto ;;
      --gpu-addresses) gpus="${2:?--gpu-addresses needs a list such as 0,1}"; shift ;;
      -h | --help) usage ;;
      *) sc_die "unknown option for start: $1 (see --help)" ;;
    esac
    shift
  done
  [[ "$workers" =~ ^[1-9][0-9]*$ ]] || sc_die "--workers must be a positive whole number, got '$workers'"
  [[ "$cores" =~ ^[1-9][0-9]*$ ]] || sc_die "--cores must be a positive whole number, got '$cores'"
  [[ "$memory" =~ ^[1-9][0-9]*[mMgG]$ ]] || sc_die "--memory must be a size such as 512m or 4g, got '$memory'"

  if alive "$DIR/master.pid" && [ -f "$DIR/master.url" ]; then
    echo "local cluster: already running (stop it first to change its shape)" >&2
    cmd_status
    return
  fi
  cmd_stop 2>/dev/null # leftovers of a crashed cluster

  local addrs=()
  if [ -n "$gpus" ]; then
    if [ "$gpus" = auto ]; then
      gpus="$("$SC_ROOT/submit-scripts/gpu-discovery.sh" | sed 's/.*\[\(.*\)\].*/\1/; s/"//g')"
      [ -n "$gpus" ] || sc_die "--gpus: gpu-discovery.sh found no GPU on this host"
    fi
    [[ "$gpus" =~ ^[0-9]+(,[0-9]+)*$ ]] || sc_die "--gpu-addresses must be a list such as 0,1, got '$gpus'"
    IFS=, read -r -a addrs <<<"$gpus"
    [ "${#addrs[@]}" -ge "$workers" ] \
      || sc_die "${#addrs[@]} GPU(s) for $workers workers: each worker needs one of its own (use --workers ${#addrs[@]})"
  fi

  [ -d "$SC_ROOT/job/target/lib" ] || sc_ensure_built
  JAVA="$(sc_java)" || exit 1
  mkdir -p "$DIR/spark-home"
  ln -sfn "$SC_ROOT/job/target/lib" "$DIR/spark-home/jars"

  port="$(free_port 7077)"
  uiport="$(free_port 8080)"
  [ "$uiport" != "$port" ] || uiport="$(free_port $((port + 1)))"
  launch "$DIR/master.pid" "$DIR/master.log" org.apache.spark.deploy.master.Master \
    -h 127.0.0.1 -p "$port" --webui-port "$uiport"
  # Spark moves to the next port if one was taken meanwhile: read what it really bound.
  url="$(wait_log "$DIR/master.log" 'Starting Spark master at spark://' 's|.*(spark://[^ ]*).*|\1|' "$DIR/master.pid")" \
    || { tail -n 20 "$DIR/master.log" >&2; cmd_stop 2>/dev/null; sc_die "the master did not start (log: $DIR/master.log)"; }
  uiurl="$(wait_log "$DIR/master.log" 'MasterWebUI.*started at http://' 's|.*started at (http://[^ ]*).*|\1|' "$DIR/master.pid")" \
    || { tail -n 20 "$DIR/master.log" >&2; cmd_stop 2>/dev/null; sc_die "the master's web UI did not start (log: $DIR/master.log)"; }
  uiurl="http://127.0.0.1:${uiurl##*:}"
  echo "$url" >"$DIR/master.url"
  echo "$uiurl" >"$DIR/master-ui.url"

  for ((i = 1; i <= workers; i++)); do
    local res=()
    mkdir -p "$DIR/worker-$i"
    if [ "${#addrs[@]}" -gt 0 ]; then
      # Each worker gets its own GPUs through a resources file, as a cluster admin would configure
      # it; Spark then hands them to executors and tasks.
      local mine=() j
      for ((j = i - 1; j < ${#addrs[@]}; j += workers)); do mine+=("\"${addrs[j]}\""); done
      printf '[{"id":{"componentName":"spark.worker","resourceName":"gpu"},"addresses":[%s]}]\n' \
        "$(IFS=,; echo "${mine[*]}")" >"$DIR/worker-$i/resources.json"
      res=("-Dspark.worker.resource.gpu.amount=${#mine[@]}" "-Dspark.worker.resourcesFile=$DIR/worker-$i/resources.json")
    fi
    # --webui-port 0: any free port; the master's page links to it.
    launch "$DIR/worker-$i.pid" "$DIR/worker-$i.log" "${res[@]}" org.apache.spark.deploy.worker.Worker \
      -h 127.0.0.1 -c "$cores" -m "$memory" -d "$DIR/worker-$i" --webui-port 0 "$url"
  done

  t=0
  while [ "$(alive_workers)" -lt "$workers" ]; do
    for ((i = 1; i <= workers; i++)); do
      alive "$DIR/worker-$i.pid" || {
        tail -n 20 "$DIR/worker-$i.log" >&2
        cmd_stop 2>/dev/null
        sc_die "worker $i exited (log above, $DIR/worker-$i.log)"
      }
    done
    if [ "$t" -ge "$TIMEOUT" ]; then
      cmd_stop 2>/dev/null
      sc_die "the workers did not register with the master within ${TIMEOUT}s (logs: $DIR)"
    fi
    sleep 1
    t=$((t + 1))
  done

  echo "local cluster: $workers worker(s) x $cores core(s) x $memory${gpus:+, GPUs $gpus} ALIVE" >&2
  echo "web UI:  $uiurl" >&2
  echo "logs:    $DIR" >&2
  echo "submit:  submit-scripts/submit-standalone.sh $url --model M.json --input IN --output OUT" >&2
  echo "stop:    ${SPARKCONV_CLUSTER_DIR:+SPARKCONV_CLUSTER_DIR=$DIR }submit-scripts/local-cluster.sh stop" >&2
  echo "$url"
}

case "${1:-}" in
  start) shift; cmd_start "$@" ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *) usage ;;
esac
