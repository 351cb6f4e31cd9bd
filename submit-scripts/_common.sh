# shellcheck shell=bash
# Shared by the submit-scripts (sourced, never run): finding Java and the built project, the JVM
# flags Spark 3.5 needs on Java 17, reading a spark-defaults template and composing one
# spark-submit command line.
#
# Environment understood by every script that sources this file:
#   JAVA_HOME               the JDK to use (default: java on PATH; 17 or later)
#   SPARK_HOME              a Spark 3.5 distribution; when set, its bin/spark-submit is used.
#                           Unset: the Maven jars in job/target/lib play Spark (local master and
#                           standalone clusters only).
#   SPARKCONV_MAIN_CLASS    the application's main class (default io.sparkconv.job.SparkConvJob)
#   SPARKCONV_APP_JAR       the application jar (default job/target/sparkconv-job-*-spark.jar)
#   SPARKCONV_SPARK_CONF    spark-defaults template to apply (default conf/spark-defaults-cpu.conf,
#                           or -gpu.conf with --gpu); "none" applies none
#   SPARKCONV_DRIVER_MEMORY driver heap when SPARK_HOME is unset (default 2g)
#   SPARKCONV_NO_BUILD=1    never build; fail if the project is not built
#   SPARKCONV_MAVEN_ARGS    extra Maven arguments for the automatic build
#   SPARKCONV_DRY_RUN=1     print the command (one argument per line) instead of running it

SC_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SC_PROG="$(basename "$0")"
SC_MAIN_CLASS="${SPARKCONV_MAIN_CLASS:-io.sparkconv.job.SparkConvJob}"

sc_die() {
  echo "$SC_PROG: $*" >&2
  exit 1
}

if [ -z "${BASH_VERSINFO:-}" ] || [ "${BASH_VERSINFO[0]}" -lt 4 ]; then
  echo "$SC_PROG: bash 4 or later is required (found ${BASH_VERSION:-none})" >&2
  exit 1
fi

# Spark 3.5 on Java 17 needs these opens (org.apache.spark.launcher.JavaModuleOptions); the Vector
# API is an incubator module on Java 17 that nothing adds for us. Spark adds the opens to executors
# itself (SparkContext supplements spark.executor.extraJavaOptions), but a JVM we start ourselves
# (driver, master, worker) needs them on its own command line.
SC_JVM_FLAGS=(
  --add-modules=jdk.incubator.vector
  -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

# The java to run, checked to be 17 or later.
sc_java() {
  local java="${JAVA_HOME:+$JAVA_HOME/bin/}java" major
  command -v "$java" >/dev/null 2>&1 || sc_die "no java found; install Java 17 or set JAVA_HOME"
  major=$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
  if [ -z "$major" ] || [ "${major%%.*}" -lt 17 ]; then
    sc_die "Java 17 or later is required (found ${major:-unknown} at $java)"
  fi
  echo "$java"
}

# The first of the given paths that exists (a glob that matched nothing yields nothing).
sc_first() {
  local f
  for f in "$@"; do [ -e "$f" ] && echo "$f" && return 0; done
  return 0
}

# The application jar for spark-submit: the shaded one (no Spark inside), or $SPARKCONV_APP_JAR.
sc_app_jar() {
  if [ -n "${SPARKCONV_APP_JAR:-}" ]; then
    echo "$SPARKCONV_APP_JAR"
  else
    sc_first "$SC_ROOT"/job/target/sparkconv-job-*-spark.jar
  fi
}

# True when sources or poms changed since the application jar was built (e.g. after git pull).
sc_stale() {
  local jar
  jar="$(sc_first "$SC_ROOT"/job/target/sparkconv-job-*-spark.jar)"
  [ -z "$jar" ] && return 0
  [ -d "$SC_ROOT/job/target/lib" ] || return 0
  [ -n "$(find "$SC_ROOT"/*/src/main "$SC_ROOT"/pom.xml "$SC_ROOT"/*/pom.xml -newer "$jar" -print -quit 2>/dev/null)" ]
}

# Builds the project when job/target/lib or the application jar is missing, or with --if-stale
# also when a source is newer than the jar.
sc_ensure_built() {
  local need=0
  if [ ! -d "$SC_ROOT/job/target/lib" ] || [ -z "$(sc_first "$SC_ROOT"/job/target/sparkconv-job-*-spark.jar)" ]; then
    need=1
  elif [ "${1:-}" = --if-stale ] && sc_stale; then
    need=1
  fi
  [ "$need" = 1 ] || return 0
  if [ "${SPARKCONV_NO_BUILD:-0}" = 1 ]; then
    sc_die "the project is not built or is stale (run ./mvnw -DskipTests package)"
  fi
  echo "$SC_PROG: building the project (./mvnw -q -DskipTests package; the first build takes a few minutes)..." >&2
  # shellcheck disable=SC2086
  (cd "$SC_ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true ${SPARKCONV_MAVEN_ARGS:-} package) >&2 \
    || sc_die "build failed (see above)"
}

# Reads a Java properties file of spark.* settings (the spark-defaults.conf format: "key value" or
# "key=value", # comments, backslash continuation lines) into the associative array SC_CONF, keys
# in order of first appearance in SC_CONF_KEYS.
declare -A SC_CONF=()
SC_CONF_KEYS=()
sc_conf_set() {
  [ -n "${SC_CONF[$1]+set}" ] || SC_CONF_KEYS+=("$1")
  SC_CONF[$1]="$2"
}
sc_conf_load() {
  local file="$1" line logical="" key value
  [ -f "$file" ] || sc_die "no such Spark configuration file: $file"
  while IFS= read -r line || [ -n "$line" ]; do
    line="${line#"${line%%[![:space:]]*}"}"
    if [ -z "$logical" ]; then
      case "$line" in '' | '#'* | '!'*) continue ;; esac
    fi
    if [ "${line%\\}" != "$line" ]; then
      logical+="${line%\\}"
      continue
    fi
    logical+="$line"
    key="${logical%%[[:space:]=:]*}"
    value="${logical:${#key}}"
    value="${value#"${value%%[![:space:]]*}"}"
    case "$value" in [=:]*) value="${value:1}" ;; esac
    value="${value#"${value%%[![:space:]]*}"}"
    value="${value%"${value##*[![:space:]]}"}"
    sc_conf_set "$key" "$value"
    logical=""
  done <"$file"
}

# Appends JVM options to a spark.*.extraJavaOptions entry of SC_CONF.
sc_conf_append_opts() {
  local key="$1" opts="$2"
  sc_conf_set "$key" "${SC_CONF[$key]:+${SC_CONF[$key]} }$opts"
}

# Splits wrapper arguments: everything up to "--" goes to spark-submit (SC_SUBMIT_OPTS) except our
# own --gpu (SC_GPU=1); everything after "--" goes to the job (SC_JOB_ARGS). Without "--" every
# argument is the job's.
SC_GPU=0
SC_SUBMIT_OPTS=()
SC_JOB_ARGS=()
sc_split_args() {
  local a has_sep=0
  for a in "$@"; do [ "$a" = -- ] && has_sep=1 && break; done
  if [ "$has_sep" = 0 ]; then
    SC_JOB_ARGS=("$@")
    return
  fi
  while [ $# -gt 0 ]; do
    case "$1" in
      --) shift; SC_JOB_ARGS=("$@"); return ;;
      --gpu) SC_GPU=1 ;;
      *) SC_SUBMIT_OPTS+=("$1") ;;
    esac
    shift
  done
}

# Loads the default template for this run (cpu or gpu) unless SPARKCONV_SPARK_CONF says otherwise.
sc_conf_load_default() {
  local file="${SPARKCONV_SPARK_CONF:-}"
  if [ -z "$file" ]; then
    if [ "$SC_GPU" = 1 ]; then file="$SC_ROOT/conf/spark-defaults-gpu.conf"; else file="$SC_ROOT/conf/spark-defaults-cpu.conf"; fi
  fi
  [ "$file" = none ] || sc_conf_load "$file"
}

# Runs spark-submit with: the base command, --class, SC_CONF as --conf pairs, the script's own
# arguments (MODE_ARGS, given here), the user's spark-submit options (later ones win), the
# application jar and the job's arguments.
sc_submit() {
  local java jar cmd=() k
  jar="$(sc_app_jar)"
  if [ -z "${SPARKCONV_APP_JAR:-}" ]; then
    sc_ensure_built --if-stale
    jar="$(sc_app_jar)"
  fi
  case "$jar" in
    *://*) ;;
    *) [ -f "$jar" ] || sc_die "no application jar at '$jar' (build with ./mvnw -DskipTests package, or set SPARKCONV_APP_JAR)" ;;
  esac

  if [ -n "${SPARK_HOME:-}" ]; then
    [ -x "$SPARK_HOME/bin/spark-submit" ] || sc_die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit"
    cmd=("$SPARK_HOME/bin/spark-submit")
  else
    # No Spark install: SparkSubmit from the Maven jars, in this JVM, so the driver's flags go on
    # this command line (spark.driver.extraJavaOptions cannot change a running JVM).
    sc_ensure_built
    java="$(sc_java)" || exit 1
    cmd=("$java" "${SC_JVM_FLAGS[@]}" "-Xmx${SPARKCONV_DRIVER_MEMORY:-2g}"
      "-Dlog4j2.configurationFile=$SC_ROOT/conf/log4j2.properties"
      -cp "$SC_ROOT/job/target/lib/*" org.apache.spark.deploy.SparkSubmit)
  fi
  cmd+=(--class "$SC_MAIN_CLASS")
  for k in "${SC_CONF_KEYS[@]}"; do cmd+=(--conf "$k=${SC_CONF[$k]}"); done
  cmd+=("$@" "${SC_SUBMIT_OPTS[@]}" "$jar" "${SC_JOB_ARGS[@]}")

  if [ "${SPARKCONV_DRY_RUN:-0}" = 1 ]; then
    printf '%s\n' "${cmd[@]}"
    return 0
  fi
  # The JVM announces the incubator module on every start; for a user that line is noise.
  exec 2> >(grep --line-buffered -v '^WARNING: Using incubator modules: jdk.incubator.vector$' >&2)
  exec "${cmd[@]}"
}
