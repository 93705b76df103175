#!/usr/bin/env bash
# MPP Digital on one machine with real engines (`make cluster`, `make cluster-stop`):
#
#   HAProxy :18080 (health checks, X-Request-ID, stats :18085)
#     -> web1 :18001, web2 :18002 (granian)
#   task workers worker1, worker2 (manage.py db_worker)
#   schedulers sched1, sched2 (manage.py run_scheduler; one leads through a PostgreSQL advisory lock)
#   PostgreSQL primary :15432 -> streaming replica :15433 (pg_basebackup, slot mpp_replica)
#   Redis :16379 (CACHE_URL)
#   OpenStack Swift with s3api :18090 (account/container/object servers :18092-18094, memcached
#   :18091 for tempauth's tokens)
#   SP4N-LAPOR! and SMS simulators :18071
#
# Everything lives under var/cluster/ (data, logs, pid files, the one environment file mpp.env);
# the configs are the ones under deploy/ a region's operators use. Runs as root (installs the
# Debian packages it needs, runs PostgreSQL as `postgres` and Swift as `swift`).
#
#   deploy/cluster/cluster.sh up | stop | status | lag
#   deploy/cluster/cluster.sh start NAME | kill NAME [SIGNAL] | pid NAME   (used by the drills)
#   NAME: web1 web2 worker1 worker2 sched1 sched2 simulators haproxy redis pg-primary pg-replica swift
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VAR=${MPP_CLUSTER_DIR:-$ROOT/var/cluster}
RUN=$VAR/run
LOG=$VAR/log
ENV_FILE=$VAR/mpp.env
PY=$ROOT/.venv/bin/python
WEB_WORKERS=${MPP_CLUSTER_WEB_WORKERS:-2}
PG_PRIMARY_PORT=15432
PG_REPLICA_PORT=15433
REDIS_PORT=16379
PROXY_PORT=18080
SIMULATOR_PORT=18071
APP_PROCESSES="simulators web1 web2 worker1 worker2 sched1 sched2"

say() { printf '%s cluster: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
die() { say "$*" >&2; exit 1; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
as_postgres() { runuser -u postgres -- "$@"; }

# --- packages ------------------------------------------------------------------------------
install_packages() {
  local missing=()
  command -v haproxy >/dev/null || missing+=(haproxy)
  command -v redis-server >/dev/null || missing+=(redis-server)
  [ -n "$(pg_bin)" ] || missing+=(postgresql)
  command -v swift-proxy-server >/dev/null || missing+=(swift-proxy)
  command -v swift-object-server >/dev/null || missing+=(swift-object)
  command -v swift-container-server >/dev/null || missing+=(swift-container)
  command -v swift-account-server >/dev/null || missing+=(swift-account)
  command -v swift-ring-builder >/dev/null || missing+=(swift)
  command -v memcached >/dev/null || missing+=(memcached)
  command -v curl >/dev/null || missing+=(curl)
  python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv)
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "needs root to install: ${missing[*]}"
    say "apt-get install ${missing[*]}"
    # The packages' own services stay off: this script runs the engines under var/cluster.
    export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$LOG/apt.log"
  fi
  make -C "$ROOT" --no-print-directory .venv/.installed
}

# --- processes -----------------------------------------------------------------------------
pidfile() { echo "$RUN/$1.pid"; }
alive() { local f; f=$(pidfile "$1"); [ -s "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# Starts a command in its own session (process group = its pid), logs appended to log/NAME.log.
spawn() {
  local name=$1; shift
  if alive "$name"; then return 0; fi
  setsid "$@" >>"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

# Stops a process group started by spawn: SIGTERM, then SIGKILL after $2 seconds.
halt() {
  local name=$1 grace=${2:-15} pid
  alive "$name" || { rm -f "$(pidfile "$name")"; return 0; }
  pid=$(cat "$(pidfile "$name")")
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((grace * 5))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$(pidfile "$name")"
}

wait_http() {
  local url=$1 seconds=${2:-60}
  for _ in $(seq $((seconds * 4))); do
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    sleep 0.25
  done
  return 1
}

# --- environment ---------------------------------------------------------------------------
render_env() {
  [ -s "$ENV_FILE" ] && return 0
  local secret pepper key passphrase s3
  secret=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(64))')
  pepper=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')
  passphrase=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
  key=$("$PY" -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')
  s3=$("$PY" -c 'import secrets; print(secrets.token_hex(20))')
  sed -e "s|@SECRET_KEY@|$secret|" -e "s|@NIK_PEPPER@|$pepper|" -e "s|@INTEGRATION_KEY@|$key|" \
    -e "s|@SIGNING_PASSPHRASE@|$passphrase|" -e "s|@S3_SECRET@|$s3|" -e "s|@VAR@|$VAR|g" \
    "$ROOT/deploy/cluster/mpp.env.in" >"$ENV_FILE"
  chmod 0600 "$ENV_FILE"
  say "environment file $ENV_FILE written"
}

load_env() { set -a; . "$ENV_FILE"; set +a; }
env_value() { sed -n "s/^$1=//p" "$ENV_FILE" | tail -1; }

# --- PostgreSQL ----------------------------------------------------------------------------
pg_ctl_of() { local dir=$1; shift; as_postgres "$(pg_bin)/pg_ctl" -D "$VAR/pg/$dir" "$@"; }
psql_at() { "$(pg_bin)/psql" -h 127.0.0.1 -p "$1" -U postgres -qAtX "${@:2}"; }

pg_up() {
  local bin; bin=$(pg_bin)
  mkdir -p "$VAR/pg" "$RUN/pg"
  chown postgres:postgres "$VAR/pg" "$RUN/pg"
  touch "$LOG/pg-primary.log" "$LOG/pg-replica.log"
  chown postgres:postgres "$LOG/pg-primary.log" "$LOG/pg-replica.log"
  if [ ! -s "$VAR/pg/primary/PG_VERSION" ]; then
    say "PostgreSQL primary: initdb"
    as_postgres "$bin/initdb" -D "$VAR/pg/primary" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=trust >>"$LOG/pg-primary.log"
    {
      echo "include '$ROOT/deploy/postgresql/primary.conf'"
      echo "port = $PG_PRIMARY_PORT"
      echo "unix_socket_directories = '$RUN/pg'"
    } >>"$VAR/pg/primary/postgresql.conf"
  fi
  pg_start pg-primary
  psql_at $PG_PRIMARY_PORT -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'mpp'" | grep -q 1 \
    || psql_at $PG_PRIMARY_PORT -d postgres -c "CREATE DATABASE mpp"
  psql_at $PG_PRIMARY_PORT -d postgres -c "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'mpp_replica'" | grep -q 1 \
    || psql_at $PG_PRIMARY_PORT -d postgres -c "SELECT pg_create_physical_replication_slot('mpp_replica')" >/dev/null
  if [ ! -s "$VAR/pg/replica/PG_VERSION" ]; then
    say "PostgreSQL replica: pg_basebackup from the primary (slot mpp_replica)"
    as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p $PG_PRIMARY_PORT -U postgres \
      -D "$VAR/pg/replica" -R -S mpp_replica -X stream --checkpoint=fast
    {
      echo "include '$ROOT/deploy/postgresql/replica.conf'"
      echo "port = $PG_REPLICA_PORT"
    } >>"$VAR/pg/replica/postgresql.conf"
  fi
  pg_start pg-replica
}

pg_dir() { [ "$1" = pg-primary ] && echo primary || echo replica; }
pg_port() { [ "$1" = pg-primary ] && echo $PG_PRIMARY_PORT || echo $PG_REPLICA_PORT; }

pg_start() {
  local name=$1 dir; dir=$(pg_dir "$1")
  if ! pg_ctl_of "$dir" status >/dev/null 2>&1; then
    pg_ctl_of "$dir" -l "$LOG/$name.log" -w -t 60 start >/dev/null
  fi
  head -1 "$VAR/pg/$dir/postmaster.pid" >"$(pidfile "$name")"
}

pg_stop() {
  local name=$1 dir; dir=$(pg_dir "$1")
  [ -s "$VAR/pg/$dir/PG_VERSION" ] || return 0
  pg_ctl_of "$dir" status >/dev/null 2>&1 && pg_ctl_of "$dir" -m fast -w -t 60 stop >/dev/null
  rm -f "$(pidfile "$name")"
}

# Replication lag, bounded: fails when the replica is more than MPP_REPLICA_MAX_LAG_SECONDS behind.
lag() {
  local bound sent replay lag_bytes lag_seconds
  bound=$(env_value MPP_REPLICA_MAX_LAG_SECONDS); bound=${bound:-30}
  sent=$(psql_at $PG_PRIMARY_PORT -d postgres -c "SELECT pg_current_wal_lsn()" 2>/dev/null) || { echo "primary does not answer"; return 1; }
  replay=$(psql_at $PG_REPLICA_PORT -d postgres -c "SELECT pg_last_wal_replay_lsn()" 2>/dev/null) || { echo "replica does not answer"; return 1; }
  lag_bytes=$(psql_at $PG_PRIMARY_PORT -d postgres -c "SELECT greatest(0, pg_wal_lsn_diff('$sent', '$replay'))::bigint")
  # Seconds behind: 0 when everything sent is replayed, else the age of the last replayed commit.
  lag_seconds=$(psql_at $PG_REPLICA_PORT -d postgres -c \
    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() AND $lag_bytes = 0 THEN 0
            ELSE round(extract(epoch FROM now() - pg_last_xact_replay_timestamp()))::int END")
  echo "replica lag: ${lag_bytes} bytes, ${lag_seconds:-unknown} s (bound ${bound} s)"
  [ -n "$lag_seconds" ] && [ "$lag_seconds" -le "$bound" ]
}

# --- Redis ---------------------------------------------------------------------------------
redis_up() {
  mkdir -p "$VAR/redis"
  alive redis && return 0
  redis-server "$ROOT/deploy/redis/redis.conf" --port $REDIS_PORT --dir "$VAR/redis" \
    --pidfile "$RUN/redis.pid" --logfile "$LOG/redis.log" --daemonize yes
  for _ in $(seq 40); do redis-cli -p $REDIS_PORT ping 2>/dev/null | grep -q PONG && return 0; sleep 0.25; done
  die "redis did not start"
}

# --- Swift (S3 API) ------------------------------------------------------------------------
SWIFT_SERVERS="swift-account swift-container swift-object swift-proxy"
MEMCACHED_PORT=18091
swift_up() {
  local conf=$VAR/swift/conf secret region
  secret=$(env_value MPP_S3_SECRET_KEY); region=$(env_value MPP_S3_REGION)
  mkdir -p "$conf" "$VAR/swift/devices/d1" "$VAR/swift/run"
  if [ ! -s "$conf/swift.conf" ]; then
    local suffix prefix
    suffix=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
    prefix=$("$PY" -c 'import secrets; print(secrets.token_hex(16))')
    sed -e "s|@HASH_SUFFIX@|$suffix|" -e "s|@HASH_PREFIX@|$prefix|" "$ROOT/deploy/swift/swift.conf" >"$conf/swift.conf"
  fi
  for server in account container object proxy; do
    sed -e "s|@SWIFT_DIR@|$conf|" -e "s|@DEVICES@|$VAR/swift/devices|" -e "s|@RUN@|$VAR/swift/run|" \
      -e "s|@S3_SECRET@|$secret|" -e "s|@S3_REGION@|$region|" \
      "$ROOT/deploy/swift/$server-server.conf" >"$conf/$server-server.conf"
  done
  if [ ! -s "$conf/object.ring.gz" ]; then
    say "Swift: rings (one device, one replica)"
    for ring in account:18092 container:18093 object:18094; do
      (cd "$conf" && swift-ring-builder "${ring%:*}.builder" create 10 1 1 >/dev/null \
        && swift-ring-builder "${ring%:*}.builder" add "r1z1-127.0.0.1:${ring#*:}/d1" 100 >/dev/null \
        && swift-ring-builder "${ring%:*}.builder" rebalance >/dev/null)
    done
  fi
  chown -R swift:swift "$VAR/swift"
  spawn memcached memcached -u swift -l 127.0.0.1 -p $MEMCACHED_PORT -U 0 -m 64
  for server in $SWIFT_SERVERS; do
    spawn "$server" "$server-server" "$conf/${server#swift-}-server.conf" -v
  done
  wait_http "http://127.0.0.1:18090/healthcheck" 60 || die "Swift proxy did not answer"
  swift_bucket
}

# The bucket (a Swift container) of MPP_S3_BUCKET, made through the Swift API with tempauth.
swift_bucket() {
  local access secret bucket headers token url
  access=$(env_value MPP_S3_ACCESS_KEY); secret=$(env_value MPP_S3_SECRET_KEY); bucket=$(env_value MPP_S3_BUCKET)
  for _ in $(seq 40); do
    headers=$(curl -fsS -D - -o /dev/null -H "X-Auth-User: $access" -H "X-Auth-Key: $secret" \
      http://127.0.0.1:18090/auth/v1.0 2>/dev/null) && break
    sleep 0.5
  done
  token=$(printf '%s' "$headers" | tr -d '\r' | sed -n 's/^[Xx]-[Aa]uth-[Tt]oken: //p')
  url=$(printf '%s' "$headers" | tr -d '\r' | sed -n 's/^[Xx]-[Ss]torage-[Uu]rl: //p')
  [ -n "$token" ] || die "Swift tempauth refused $access"
  for _ in $(seq 20); do
    curl -fsS -o /dev/null -X PUT -H "X-Auth-Token: $token" "$url/$bucket" 2>/dev/null && return 0
    sleep 0.5
  done
  die "Swift: could not create the bucket $bucket"
}

# --- the application -----------------------------------------------------------------------
app_prepare() {
  load_env
  mkdir -p "$MEDIA_ROOT" "$STATIC_ROOT"
  say "migrate (primary)"
  "$PY" "$ROOT/manage.py" migrate --noinput -v 0
  if [ ! -e "$VAR/app/.demo-loaded" ]; then
    say "demo data (load_demo)"
    "$PY" "$ROOT/manage.py" load_demo >>"$LOG/load_demo.log"
    touch "$VAR/app/.demo-loaded"
  fi
  # Compressing every file takes minutes: only when a static source is newer than the manifest.
  local manifest=$STATIC_ROOT/staticfiles.json
  if [ ! -s "$manifest" ] || [ -n "$(find "$ROOT/src" -path '*/static/*' -type f -newer "$manifest" -print -quit)" ]; then
    say "collectstatic (compressed; minutes)"
    "$PY" "$ROOT/manage.py" collectstatic --noinput -v 0
  fi
}

# The command of each application process (every one reads the same environment file).
app_command() {
  case $1 in
    web1 | web2)
      local port=$((18000 + ${1#web}))
      echo "$ROOT/.venv/bin/granian --interface wsgi --host 127.0.0.1 --port $port --workers $WEB_WORKERS" \
        "--blocking-threads 4 --respawn-failed-workers --no-ws --log-level warning mpp.wsgi:application" ;;
    # The worker id names the process in the task rows (a region: --worker-id "$(hostname)-1").
    worker1 | worker2) echo "$PY $ROOT/manage.py db_worker --worker-id $1" ;;
    sched1 | sched2) echo "$PY $ROOT/manage.py run_scheduler" ;;
    simulators) echo "$PY -m mpp.web.simulators --port $SIMULATOR_PORT" ;;
    *) return 1 ;;
  esac
}

app_start() {
  local name=$1 command
  command=$(app_command "$name") || die "unknown process $name"
  # shellcheck disable=SC2086 # the command is split into words on purpose
  # Under supervise.sh: started again when it exits by itself, as systemd's Restart=always.
  # A web node's granian workers add up their request series in one directory of their own
  # (supervise.sh empties it before each start, as the unit's RuntimeDirectory does).
  local metrics=
  case $name in web*) metrics=$RUN/metrics-$name ;; esac
  (load_env; export PYTHONPATH=$ROOT/src; [ -z "$metrics" ] || export PROMETHEUS_MULTIPROC_DIR=$metrics
    cd "$ROOT" && spawn "$name" env MPP_NODE="$name" "$ROOT/deploy/cluster/supervise.sh" $command)
  case $name in
    web*) wait_http "http://127.0.0.1:$((18000 + ${name#web}))/healthz" 120 || die "$name did not answer /healthz" ;;
  esac
}

haproxy_start() {
  alive haproxy && return 0
  MPP_PROXY_BIND=127.0.0.1:$PROXY_PORT MPP_PROXY_STATS=127.0.0.1:18085 \
    MPP_WEB1=127.0.0.1:18001 MPP_WEB2=127.0.0.1:18002 MPP_HEALTH_PATH=/healthz MPP_ROOT=$ROOT \
    spawn haproxy haproxy -W -db -f "$ROOT/deploy/haproxy/haproxy.cfg"
  wait_http "http://127.0.0.1:$PROXY_PORT/healthz" 30 || die "HAProxy did not answer"
}

# --- commands ------------------------------------------------------------------------------
up() {
  mkdir -p "$VAR" "$RUN" "$LOG"
  chmod 0755 "$VAR"
  install_packages
  render_env
  redis_up
  pg_up
  swift_up
  app_prepare
  for name in $APP_PROCESSES; do app_start "$name"; done
  haproxy_start
  status
  say "MPP Digital: http://127.0.0.1:$PROXY_PORT/ (HAProxy statistics: http://127.0.0.1:18085/); stop with make cluster-stop"
}

stop() {
  [ -d "$RUN" ] || { say "no cluster under $VAR"; return 0; }
  halt haproxy 10
  for name in sched1 sched2 web1 web2; do halt "$name" 20; done
  for name in worker1 worker2; do halt "$name" 60; done
  halt simulators 5
  for server in swift-proxy swift-object swift-container swift-account memcached; do halt "$server" 10; done
  if alive redis; then redis-cli -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || halt redis 10; fi
  rm -f "$RUN/redis.pid"
  pg_stop pg-replica
  pg_stop pg-primary
  local left
  left=$(ls "$RUN"/*.pid 2>/dev/null || true)
  [ -z "$left" ] || die "still running: $left"
  say "stopped (data kept under $VAR; rm -rf $VAR for a fresh cluster)"
}

status() {
  local name state
  for name in haproxy $APP_PROCESSES $SWIFT_SERVERS memcached redis pg-primary pg-replica; do
    if alive "$name"; then state="up (pid $(cat "$(pidfile "$name")"))"; else state=down; fi
    printf '  %-16s %s\n' "$name" "$state"
  done
  printf '  %-16s %s\n' proxy "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 http://127.0.0.1:$PROXY_PORT/healthz) on /healthz"
  # Readiness of each node: database, cache and object store (404 on a release without /readyz).
  for name in web1 web2; do
    printf '  %-16s %s\n' "$name /readyz" "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$((18000 + ${name#web}))/readyz")"
  done
  printf '  %-16s ' replication; lag || true
}

start_one() {
  case $1 in
    pg-primary | pg-replica) pg_start "$1" ;;
    redis) redis_up ;;
    swift) for server in $SWIFT_SERVERS; do spawn "$server" "$server-server" "$VAR/swift/conf/${server#swift-}-server.conf" -v; done
      wait_http "http://127.0.0.1:18090/healthcheck" 60 ;;
    haproxy) haproxy_start ;;
    *) app_start "$1" ;;
  esac
}

kill_one() {
  local name=$1 signal=${2:-KILL}
  case $name in
    # The proxy first: the store is then away at once for its clients (with the account server
    # gone first, the proxy still up answers NoSuchBucket, and an object server still up serves).
    swift) for server in swift-proxy swift-object swift-container swift-account; do
        kill_one "$server" "$signal"; done; return 0 ;;
    pg-primary | pg-replica) [ "$signal" = KILL ] || { pg_stop "$name"; return 0; } ;;
  esac
  alive "$name" || return 0
  local pid; pid=$(cat "$(pidfile "$name")")
  kill "-$signal" -- "-$pid" 2>/dev/null || kill "-$signal" "$pid"
  # KILL and TERM end the process: wait for it (at most 30 s), so that `start` starts a new one.
  case $signal in
    KILL | TERM | INT)
      for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null || rm -f "$(pidfile "$name")" ;;
  esac
}

mkdir -p "$RUN" "$LOG"
case ${1:-} in
  up) up ;;
  stop) stop ;;
  status) status ;;
  lag) lag ;;
  start) start_one "${2:?NAME}" ;;
  kill) kill_one "${2:?NAME}" "${3:-KILL}" ;;
  pid) cat "$(pidfile "${2:?NAME}")" ;;
  *) sed -n '2,19p' "$0"; exit 2 ;;
esac
