#!/usr/bin/env bash
# Local Kafka + S3 for peacestate, without Docker.
#
#   bash infra/infra.sh up              fetch (first time), start both, create the bucket, print env
#   bash infra/infra.sh down [--purge]  stop both (--purge also wipes Kafka data and S3 objects)
#   bash infra/infra.sh reset           same as down --purge
#   bash infra/infra.sh status          running/stopped, pid and port of each (exit 0 = all running, 3 = not)
#   bash infra/infra.sh env             print the export line only
#   bash infra/infra.sh kafka-start | kafka-stop | s3-start | s3-stop | pg-start | pg-stop
#                                       one service only; data is kept (used by the fault tests)
#
# PostgreSQL (for the console's store) is Debian's `postgresql` package (apt-get install -y postgresql):
# a cluster of its own under infra/work/pg, initialised on first start, run as the `postgres` user when
# this script runs as root (PostgreSQL refuses root), on PG_PORT with a test user and database.
#
# Kafka (org.apache.kafka:kafka_2.13, KRaft, one combined broker+controller) and
# S3Proxy (org.gaul:s3proxy, filesystem backend) are resolved from Maven Central
# with mvn (infra/pom.xml -> infra/kafka/pom.xml, infra/s3proxy/pom.xml); the jars
# stay in ~/.m2 and only the classpaths are written to infra/work/. Everything
# the services write (data, logs, pid files, generated configs) is under
# infra/work/ (git-ignored).
#
# Environment overrides (all optional):
#   KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093  S3_PORT=9000
#   KAFKA_SASL_PORT=9094 (SASL_PLAINTEXT)  KAFKA_SSL_PORT=9095 (SASL_SSL, a CA generated under work/kafka/tls)
#   KAFKA_HEAP="-Xms256m -Xmx1g"  S3PROXY_HEAP="-Xms64m -Xmx512m"
#   PG_PORT=5433
#   KAFKA_LOG_LEVEL=INFO  S3PROXY_LOG_LEVEL=INFO  INFRA_START_TIMEOUT=90 (seconds)
set -euo pipefail

INFRA_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="$INFRA_DIR/work"
LOGS="$WORK/logs"

HOST=127.0.0.1
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9094}"
KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-9095}"
S3_PORT="${S3_PORT:-9000}"
PG_PORT="${PG_PORT:-5433}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx1g}"
S3PROXY_HEAP="${S3PROXY_HEAP:--Xms64m -Xmx512m}"
START_TIMEOUT="${INFRA_START_TIMEOUT:-90}"
STOP_TIMEOUT=15

S3_BUCKET=peacestate
S3_REGION=us-east-1
S3_ACCESS_KEY=peacestate
S3_SECRET_KEY=peacestate-secret
# The test user of the SASL listeners (PLAIN and SCRAM-SHA-256/512), a test-only credential like the S3 one.
KAFKA_SASL_USER=peacestate
KAFKA_SASL_SECRET=peacestate-kafka-secret
KAFKA_TLS="$WORK/kafka/tls"
# The console store's test user and database, a test-only credential like the others.
PG_USER=peacestate
PG_SECRET=peacestate-pg-secret
PG_DB=peacestate
PG_DIR="$WORK/pg"
PG_DATA="$PG_DIR/data"
KAFKA_TLS_STORE_PASS=peacestate-keystore

KAFKA_CP_FILE="$WORK/kafka.classpath"
S3_CP_FILE="$WORK/s3proxy.classpath"
KAFKA_PID_FILE="$WORK/kafka.pid"
S3_PID_FILE="$WORK/s3proxy.pid"
KAFKA_DATA="$WORK/kafka/data"
S3_DATA="$WORK/s3"

# Every JVM we start carries this marker on its command line. Before signalling
# a pid from a pid file we check /proc/PID/cmdline for it, so a stale pid file
# whose pid was reused by another process is never acted on.
MARK_KAFKA="-Dpeacestate.infra=kafka"
MARK_S3="-Dpeacestate.infra=s3proxy"

JAVA="java"
[[ -n "${JAVA_HOME:-}" && -x "${JAVA_HOME}/bin/java" ]] && JAVA="$JAVA_HOME/bin/java"

log() { printf '[infra] %s\n' "$*" >&2; }
die() { printf '[infra] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites

check_prereqs() {
  local missing=() need_mvn="$1"
  if ! command -v "$JAVA" >/dev/null 2>&1; then
    missing+=("Java 17+ (java not found)")
  else
    # First line looks like: openjdk version "17.0.15" 2025-04-15  (or "1.8.0_392")
    local v major
    v="$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
    major="${v%%.*}"
    [[ "$major" == 1 ]] && major="$(echo "$v" | cut -d. -f2)"
    if ! [[ "$major" =~ ^[0-9]+$ ]] || (( major < 17 )); then
      missing+=("Java 17+ (found: ${v:-unknown})")
    fi
  fi
  if [[ "$need_mvn" == yes ]] && ! command -v mvn >/dev/null 2>&1; then
    missing+=("Maven (mvn not found)")
  fi
  command -v curl >/dev/null 2>&1 || missing+=("curl")
  if (( ${#missing[@]} )); then
    printf '[infra] missing: %s\n' "${missing[@]}" >&2
    printf '[infra] install with:  apt-get install -y openjdk-17-jre-headless maven curl\n' >&2
    printf '[infra] (or put a JDK 17+ on PATH / set JAVA_HOME)\n' >&2
    exit 2
  fi
}

# ------------------------------------------------------------------- classpaths

# A classpath file is usable when it is newer than its pom and every jar it
# names is still in the local Maven repository.
classpath_ok() {
  local cp_file="$1" pom="$2" jar
  [[ -s "$cp_file" && "$cp_file" -nt "$pom" ]] || return 1
  while IFS= read -r -d: jar || [[ -n "$jar" ]]; do
    [[ -f "$jar" ]] || return 1
  done < "$cp_file"
}

ensure_classpaths() {
  if classpath_ok "$KAFKA_CP_FILE" "$INFRA_DIR/kafka/pom.xml" &&
     classpath_ok "$S3_CP_FILE" "$INFRA_DIR/s3proxy/pom.xml"; then
    return 0
  fi
  check_prereqs yes
  mkdir -p "$WORK" "$LOGS"
  log "resolving Kafka and S3Proxy with Maven (the first run downloads ~110 MB into ~/.m2) ..."
  local t0=$SECONDS
  # -T 2: both modules resolve in parallel. The plugin is named in full so that
  # Maven needs no plugin-prefix metadata lookup. Output goes to a log, shown
  # on failure. The jars stay in the local repository (~/.m2 by default; it
  # honours MAVEN_OPTS=-Dmaven.repo.local=... and ~/.m2/settings.xml).
  if ! mvn -B -q -T 2 -Dstyle.color=never -f "$INFRA_DIR/pom.xml" -Dinfra.work="$WORK" \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath >"$LOGS/mvn.log" 2>&1; then
    tail -n 40 "$LOGS/mvn.log" >&2
    die "mvn dependency:build-classpath failed (full log: $LOGS/mvn.log)"
  fi
  [[ -s "$KAFKA_CP_FILE" && -s "$S3_CP_FILE" ]] || die "mvn did not write the classpath files"
  log "dependencies resolved in $((SECONDS - t0))s"
}

# -------------------------------------------------------------------- processes

# pid_of PIDFILE MARKER -> prints the pid if that process is alive and ours.
pid_of() {
  local pid_file="$1" marker="$2" pid
  [[ -f "$pid_file" ]] || return 1
  pid="$(<"$pid_file")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  local cmdline
  cmdline="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" || return 1
  [[ "$cmdline" == *"$marker"* ]] || return 1
  echo "$pid"
}

# launched_ports PID: the ports a running service was started with (recorded on
# its command line as -Dpeacestate.ports=...), e.g. "9092,9093".
launched_ports() {
  tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | sed -n 's/^-Dpeacestate\.ports=//p' | head -n 1
}

# already_running NAME PID EXPECTED_PORTS: fine if the ports match the current
# settings, an error otherwise (KAFKA_PORT/S3_PORT changed while it runs).
already_running() {
  local name="$1" pid="$2" want="$3" have
  have="$(launched_ports "$pid")"
  if [[ -n "$have" && "$have" != "$want" ]]; then
    die "$name is already running (pid $pid) on port(s) $have, not $want; run 'bash infra/infra.sh down' first"
  fi
  log "$name: already running (pid $pid)"
}

# alive PID: the process exists and is not a zombie (a zombie answers kill -0
# but is already dead; it lingers when a parent that is not init does not reap).
alive() {
  local state
  kill -0 "$1" 2>/dev/null || return 1
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# stop_service NAME PIDFILE MARKER: SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL.
stop_service() {
  local name="$1" pid_file="$2" marker="$3" pid i
  if ! pid="$(pid_of "$pid_file" "$marker")"; then
    rm -f "$pid_file"
    log "$name: not running"
    return 0
  fi
  log "$name: stopping pid $pid ..."
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$name: still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do alive "$pid" || break; sleep 0.1; done
  fi
  rm -f "$pid_file"
  log "$name: stopped"
}

# launch NAME PIDFILE OUTFILE CMD...: start CMD detached, record its pid.
launch() {
  local name="$1" pid_file="$2" out="$3"; shift 3
  # setsid: own session, so Ctrl-C in the calling terminal / npm does not reach
  # it; stdin from /dev/null. In a non-interactive shell a background job is not
  # a process-group leader, so setsid execs in place and $! is the JVM's pid.
  setsid "$@" </dev/null >>"$out" 2>&1 &
  echo $! >"$pid_file"
  log "$name: started pid $!"
}

# Size of each log file when a service was launched, so that an error shows
# only what this start wrote (the log files are appended to across runs).
declare -A LOG_MARK=()
mark_logs() {
  local f
  for f in "$@"; do LOG_MARK[$f]="$(stat -c %s "$f" 2>/dev/null || echo 0)"; done
}

show_logs() {
  local f from
  for f in "$@"; do
    from=$(( ${LOG_MARK[$f]:-0} + 1 ))
    if [[ ! -s "$f" ]] || (( $(stat -c %s "$f") < from )); then continue; fi
    printf '[infra] ---- last lines of %s ----\n' "$f" >&2
    tail -c "+$from" "$f" | tail -n 30 >&2
  done
}

# wait_until NAME PIDFILE MARKER CHECK_FN LOG...: poll CHECK_FN until it
# succeeds, the process dies, or START_TIMEOUT expires.
wait_until() {
  local name="$1" pid_file="$2" marker="$3" check="$4"; shift 4
  local deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! pid_of "$pid_file" "$marker" >/dev/null; then
      show_logs "$@"
      die "$name exited during startup (logs above; see $LOGS)"
    fi
    if "$check"; then return 0; fi
    sleep 0.5
  done
  show_logs "$@"
  die "$name did not become ready within ${START_TIMEOUT}s (logs above; see $LOGS)." \
    "It is left running (pid $(<"$pid_file")); 'bash infra/infra.sh down' stops it."
}

# ------------------------------------------------------------------------ Kafka

kafka_java() {
  # Runs a Kafka class (CLI tool) with the tools logging config (warnings on
  # stderr), small heap and fast-startup JIT flags; never longer than 60 s.
  timeout 60 "$JAVA" -Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
    -Dlog4j2.configurationFile="$INFRA_DIR/kafka/tools-log4j2.properties" \
    -cp "$(<"$KAFKA_CP_FILE")" "$@"
}

write_kafka_config() {
  mkdir -p "$WORK/kafka" "$KAFKA_DATA" "$LOGS"
  # Regenerated on every start so port overrides apply. The controller quorum
  # is static (controller.quorum.voters), so nothing port-related is baked into
  # the formatted storage and ports can change between runs.
  cat >"$WORK/kafka/server.properties" <<EOF
# Generated by infra/infra.sh -- edits are overwritten on the next start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$HOST:$KAFKA_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT,SASL_SSL://$HOST:$KAFKA_SSL_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT,SASL_SSL://$HOST:$KAFKA_SSL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL

# The secured listeners: SASL (PLAIN, SCRAM; SCRAM users are added after the start) with and without TLS.
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$KAFKA_SASL_SECRET";
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER="$KAFKA_SASL_SECRET";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.type=PKCS12
ssl.keystore.location=$KAFKA_TLS/broker.p12
ssl.keystore.password=$KAFKA_TLS_STORE_PASS
ssl.key.password=$KAFKA_TLS_STORE_PASS
log.dirs=$KAFKA_DATA

# Single node: every internal topic with replication factor 1.
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1

# The applications create their topics themselves.
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# Keep the local disk footprint small.
log.retention.hours=24
log.retention.bytes=1073741824
log.segment.bytes=67108864
num.network.threads=2
num.io.threads=4
EOF
}

# kafka_tls: a CA and a broker certificate for $HOST/localhost, made once (openssl), as a PKCS12 keystore.
kafka_tls() {
  [[ -s "$KAFKA_TLS/broker.p12" && -s "$KAFKA_TLS/ca.pem" ]] && return 0
  command -v openssl >/dev/null || die "openssl is needed for the TLS listener (apt-get install openssl)"
  mkdir -p "$KAFKA_TLS"
  log "kafka: generating a test CA and broker certificate under $KAFKA_TLS"
  (
    cd "$KAFKA_TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=peacestate test CA" \
      -keyout ca.key -out ca.pem 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$HOST" -keyout broker.key -out broker.csr 2>/dev/null
    printf 'subjectAltName=IP:%s,DNS:localhost\n' "$HOST" >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile broker.ext -out broker.pem 2>/dev/null
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -passout "pass:$KAFKA_TLS_STORE_PASS" -out broker.p12
  ) || die "kafka: could not generate the TLS certificates"
}

# kafka_scram_users: the SASL/SCRAM test user (idempotent; SCRAM credentials live in the cluster metadata).
kafka_scram_users() {
  local m # one mechanism per request: the broker refuses two changes of one user's credentials in one
  for m in SCRAM-SHA-256 SCRAM-SHA-512; do
    kafka_java org.apache.kafka.tools.ConfigCommand --bootstrap-server "$HOST:$KAFKA_PORT" --alter \
      --add-config "$m=[password=$KAFKA_SASL_SECRET]" --entity-type users --entity-name "$KAFKA_SASL_USER" \
      >/dev/null 2>>"$LOGS/kafka-probe.log" || die "kafka: could not add the $m user (see $LOGS/kafka-probe.log)"
  done
}

kafka_format_if_needed() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cluster_id_file="$WORK/kafka/cluster.id" out id=-
  if [[ ! -s "$cluster_id_file" ]]; then
    # Same format as `StorageTool random-uuid` (16 random bytes, URL-safe
    # base64, no padding; never starting with '-'), without a JVM start.
    while [[ "$id" == -* ]]; do
      id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    done
    echo "$id" >"$cluster_id_file"
  fi
  log "kafka: formatting KRaft storage (cluster id $(<"$cluster_id_file"))"
  if ! out="$(kafka_java kafka.tools.StorageTool format --ignore-formatted \
        -t "$(<"$cluster_id_file")" -c "$WORK/kafka/server.properties" 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "kafka: storage format failed"
  fi
}

kafka_ready() {
  port_open "$KAFKA_PORT" || return 1
  # A real metadata round trip through the admin client, not just an open port.
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "$HOST:$KAFKA_PORT" --list \
    >/dev/null 2>>"$LOGS/kafka-probe.log"
}

# kafka_launch: start the broker unless it already runs (does not wait).
kafka_launch() {
  local pid
  if pid="$(pid_of "$KAFKA_PID_FILE" "$MARK_KAFKA")"; then
    already_running kafka "$pid" "$KAFKA_PORT,$KAFKA_CONTROLLER_PORT,$KAFKA_SASL_PORT,$KAFKA_SSL_PORT"
  else
    rm -f "$KAFKA_PID_FILE"
    local p
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_SASL_PORT" "$KAFKA_SSL_PORT"; do
      if port_open "$p"; then
        die "kafka: port $HOST:$p is already in use by another process (not started by infra.sh)"
      fi
    done
    kafka_tls
    write_kafka_config
    kafka_format_if_needed
    mark_logs "$LOGS/kafka.out" "$LOGS/kafka.log"
    # shellcheck disable=SC2086  # KAFKA_HEAP is a list of JVM flags
    launch kafka "$KAFKA_PID_FILE" "$LOGS/kafka.out" \
      "$JAVA" $KAFKA_HEAP -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true "$MARK_KAFKA" -Dpeacestate.ports="$KAFKA_PORT,$KAFKA_CONTROLLER_PORT,$KAFKA_SASL_PORT,$KAFKA_SSL_PORT" \
      -Dkafka.logs.dir="$LOGS" -Dkafka.log.level="${KAFKA_LOG_LEVEL:-INFO}" \
      -Dlog4j2.configurationFile="$INFRA_DIR/kafka/log4j2.properties" \
      -cp "$(<"$KAFKA_CP_FILE")" kafka.Kafka "$WORK/kafka/server.properties"
  fi
}

kafka_wait() {
  log "kafka: waiting for $HOST:$KAFKA_PORT ..."
  : >"$LOGS/kafka-probe.log"
  wait_until kafka "$KAFKA_PID_FILE" "$MARK_KAFKA" kafka_ready \
    "$LOGS/kafka.out" "$LOGS/kafka.log" "$LOGS/kafka-probe.log"
  kafka_scram_users
  log "kafka: ready on $HOST:$KAFKA_PORT (SASL on $KAFKA_SASL_PORT, SASL over TLS on $KAFKA_SSL_PORT)"
}

# ---------------------------------------------------------------------- S3Proxy

write_s3_config() {
  mkdir -p "$WORK/s3proxy" "$S3_DATA" "$LOGS"
  cat >"$WORK/s3proxy/s3proxy.properties" <<EOF
# Generated by infra/infra.sh -- edits are overwritten on the next start.
s3proxy.endpoint=http://$HOST:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
# S3Proxy 4.x has its own backends (no jclouds any more) but keeps the
# jclouds.* property names; "filesystem" is an alias of "filesystem-nio2".
jclouds.provider=filesystem
jclouds.identity=$S3_ACCESS_KEY
jclouds.credential=$S3_SECRET_KEY
jclouds.filesystem.basedir=$S3_DATA
EOF
}

s3_http_code() { # s3_http_code [curl args...] URL -> prints the HTTP status (000 = no answer)
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true
}

s3_ready() {
  [[ "$(s3_http_code "http://$HOST:$S3_PORT/")" != 000 ]]
}

s3_create_bucket() {
  # Idempotent: 200 = created, 409 = BucketAlreadyOwnedByYou / BucketAlreadyExists.
  # curl's --aws-sigv4 (7.75+) signs the request; curl < 8 does not send
  # x-amz-content-sha256 itself, which S3Proxy requires for SigV4, so it is
  # given explicitly (the SHA-256 of the empty body) and curl signs it too.
  local code empty_sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
  code="$(s3_http_code --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" \
    -H "x-amz-content-sha256: $empty_sha256" -X PUT "http://$HOST:$S3_PORT/$S3_BUCKET")"
  case "$code" in
    200 | 409) log "s3: bucket '$S3_BUCKET' ready" ;;
    *) show_logs "$LOGS/s3proxy.log"; die "s3: creating bucket '$S3_BUCKET' failed (HTTP $code)" ;;
  esac
}

# s3_launch: start S3Proxy unless it already runs (does not wait).
s3_launch() {
  local pid
  if pid="$(pid_of "$S3_PID_FILE" "$MARK_S3")"; then
    already_running s3proxy "$pid" "$S3_PORT"
  else
    rm -f "$S3_PID_FILE"
    if port_open "$S3_PORT"; then
      die "s3proxy: port $HOST:$S3_PORT is already in use by another process (not started by infra.sh)"
    fi
    write_s3_config
    mark_logs "$LOGS/s3proxy.out" "$LOGS/s3proxy.log"
    # shellcheck disable=SC2086  # S3PROXY_HEAP is a list of JVM flags
    launch s3proxy "$S3_PID_FILE" "$LOGS/s3proxy.out" \
      "$JAVA" $S3PROXY_HEAP -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError \
      -Djava.awt.headless=true "$MARK_S3" -Dpeacestate.ports="$S3_PORT" \
      -Ds3proxy.logs.dir="$LOGS" -Ds3proxy.log.level="${S3PROXY_LOG_LEVEL:-INFO}" \
      -Dlogback.configurationFile="$INFRA_DIR/s3proxy/logback.xml" \
      -cp "$(<"$S3_CP_FILE")" org.gaul.s3proxy.Main --properties "$WORK/s3proxy/s3proxy.properties"
  fi
}

s3_wait() {
  log "s3proxy: waiting for http://$HOST:$S3_PORT ..."
  wait_until s3proxy "$S3_PID_FILE" "$MARK_S3" s3_ready "$LOGS/s3proxy.out" "$LOGS/s3proxy.log"
  s3_create_bucket
  log "s3proxy: ready on http://$HOST:$S3_PORT"
}


# ------------------------------------------------------------------- PostgreSQL

pg_bin() { # the server binaries of Debian's newest installed PostgreSQL
  local d
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$d" && -x "$d/initdb" ]] || die "postgresql: not installed (apt-get install -y postgresql)"
  echo "$d"
}

# as_pg CMD...: run as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_running() { [[ -f "$PG_DATA/postmaster.pid" ]] && as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; }

pg_ready() { as_pg "$(pg_bin)/pg_isready" -q -h "$HOST" -p "$PG_PORT"; }

pg_init_if_needed() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && return 0
  local bin pw
  bin="$(pg_bin)"
  mkdir -p "$PG_DIR" "$LOGS"
  pw="$PG_DIR/pwfile"
  printf '%s\n' "$PG_SECRET" >"$pw"
  [[ "$(id -u)" == 0 ]] && chown -R postgres: "$PG_DIR"
  log "postgresql: initialising a cluster in $PG_DATA"
  as_pg "$bin/initdb" -D "$PG_DATA" -U "$PG_USER" --pwfile="$pw" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
    >>"$LOGS/pg-init.log" 2>&1 || { tail -n 20 "$LOGS/pg-init.log" >&2; die "postgresql: initdb failed"; }
  rm -f "$pw"
}

pg_start() {
  local bin
  bin="$(pg_bin)"
  if pg_running; then log "postgresql: already running ($PG_DATA)"; return 0; fi
  port_open "$PG_PORT" && die "postgresql: port $HOST:$PG_PORT is already in use by another process (not started by infra.sh)"
  pg_init_if_needed
  mkdir -p "$LOGS"
  touch "$LOGS/pg.log"
  [[ "$(id -u)" == 0 ]] && chown postgres: "$LOGS/pg.log"
  as_pg "$bin/pg_ctl" -D "$PG_DATA" -l "$LOGS/pg.log" -w -t "$START_TIMEOUT" \
    -o "-p $PG_PORT -c listen_addresses=$HOST -k $PG_DIR -c fsync=off -c max_connections=200" start >/dev/null \
    || { tail -n 30 "$LOGS/pg.log" >&2; die "postgresql did not start (see $LOGS/pg.log)"; }
  # The test database, once.
  if ! PGPASSWORD="$PG_SECRET" psql -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" | grep -q 1; then
    PGPASSWORD="$PG_SECRET" psql -q -h "$HOST" -p "$PG_PORT" -U "$PG_USER" -d postgres -c "CREATE DATABASE $PG_DB" \
      || die "postgresql: could not create database $PG_DB"
  fi
  log "postgresql: ready on $HOST:$PG_PORT (database $PG_DB)"
}

pg_stop() {
  if ! pg_running; then log "postgresql: not running"; return 0; fi
  as_pg "$(pg_bin)/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null && log "postgresql: stopped"
}

# ---------------------------------------------------------------------- commands

print_env() {
  echo "export KAFKA_BROKERS=$HOST:$KAFKA_PORT S3_ENDPOINT=http://$HOST:$S3_PORT S3_BUCKET=$S3_BUCKET" \
    "S3_REGION=$S3_REGION AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY" \
    "PEACESTATE_TEST_KAFKA_SASL_BROKERS=$HOST:$KAFKA_SASL_PORT PEACESTATE_TEST_KAFKA_SSL_BROKERS=$HOST:$KAFKA_SSL_PORT" \
    "PEACESTATE_TEST_KAFKA_SSL_CA=$KAFKA_TLS/ca.pem PEACESTATE_TEST_KAFKA_USER=$KAFKA_SASL_USER" \
    "PEACESTATE_TEST_KAFKA_PASSWORD=$KAFKA_SASL_SECRET" \
    "PEACESTATE_TEST_DATABASE_URL=postgres://$PG_USER:$PG_SECRET@$HOST:$PG_PORT/$PG_DB"
}

cmd_up() {
  local t0=$SECONDS
  ensure_classpaths # checks for Java + Maven itself when it has to run mvn
  check_prereqs no
  # Launch both first, then wait for each: the two JVMs boot concurrently.
  s3_launch
  kafka_launch
  s3_wait
  kafka_wait
  pg_start
  log "up in $((SECONDS - t0))s; environment:"
  print_env
}

cmd_down() {
  case "${1:-}" in
    "" | --purge) ;;
    *) die "down: unknown option '$1' (only --purge)" ;;
  esac
  stop_service kafka "$KAFKA_PID_FILE" "$MARK_KAFKA"
  stop_service s3proxy "$S3_PID_FILE" "$MARK_S3"
  pg_stop
  if [[ "${1:-}" == --purge ]]; then
    log "purging Kafka data, S3 objects and the PostgreSQL cluster under $WORK"
    rm -rf "$WORK/kafka" "$S3_DATA" "$WORK/s3proxy" "$PG_DIR"
  fi
}

# Exit status 0 when both run, 3 (LSB "not running") otherwise.
cmd_status() {
  local pid rc=0 ports port ctl
  if pid="$(pid_of "$KAFKA_PID_FILE" "$MARK_KAFKA")"; then
    ports="$(launched_ports "$pid")"
    IFS=, read -r port ctl _ <<<"$ports"
    : "${port:=$KAFKA_PORT}" "${ctl:=$KAFKA_CONTROLLER_PORT}"
    echo "kafka:   running (pid $pid, $HOST:$port, controller $HOST:$ctl$(port_open "$port" || echo ', port not open yet'))"
  else
    echo "kafka:   stopped"; rc=3
  fi
  if pid="$(pid_of "$S3_PID_FILE" "$MARK_S3")"; then
    port="$(launched_ports "$pid")"
    : "${port:=$S3_PORT}"
    echo "s3proxy: running (pid $pid, http://$HOST:$port$(port_open "$port" || echo ', port not open yet'))"
  else
    echo "s3proxy: stopped"; rc=3
  fi
  if pg_running; then
    echo "postgresql: running ($HOST:$PG_PORT, $PG_DATA)"
  else
    echo "postgresql: stopped"; rc=3
  fi
  return "$rc"
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    up) cmd_up ;;
    down) cmd_down "$@" ;;
    reset) cmd_down --purge ;;
    status) cmd_status ;;
    env) print_env ;;
    kafka-start) ensure_classpaths; check_prereqs no; kafka_launch; kafka_wait ;;
    kafka-stop) stop_service kafka "$KAFKA_PID_FILE" "$MARK_KAFKA" ;;
    s3-start) ensure_classpaths; check_prereqs no; s3_launch; s3_wait ;;
    s3-stop) stop_service s3proxy "$S3_PID_FILE" "$MARK_S3" ;;
    pg-start) pg_start ;;
    pg-stop) pg_stop ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 64 ;;
  esac
}

main "$@"
