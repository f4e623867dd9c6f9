#!/usr/bin/env bash
# Installs what the tests need (Debian packages, NuGet restore), builds in Release, starts a private
# PostgreSQL 15 cluster (unless TROVE_PG=0), runs every test project, and ends with one line
# "N passed, N failed, N skipped" summed over all of them. Exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

# --- Debian packages: the real peers, their tools, and the Python clients the seed scripts use.
packages=(redis-server redis-tools memcached libmemcached-tools rabbitmq-server postgresql
          python3-redis python3-pika python3-pymemcache python3-memcache python3-sqlalchemy python3-psycopg2
          tmux)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || { echo "apt-get update failed"; exit 1; }
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || { echo "apt-get install failed"; exit 1; }
fi
# The Debian packages may start their services; the tests start private instances instead. Stop a
# service only if its server runs: `service rabbitmq-server stop` on a stopped broker runs rabbitmqctl,
# which leaves an epmd daemon behind.
for pair in redis-server:redis-server memcached:memcached rabbitmq-server:beam.smp postgresql:postgres; do
  svc=${pair%%:*}; proc=${pair#*:}
  pgrep -x "$proc" >/dev/null 2>&1 || continue
  (command -v systemctl >/dev/null && systemctl stop "$svc") >/dev/null 2>&1 || true
  (command -v service >/dev/null && service "$svc" stop) >/dev/null 2>&1 || true
done

# --- Build.
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet restore Trove.slnx || { echo "0 passed, 1 failed"; exit 1; }
dotnet build Trove.slnx -c Release --no-restore -nologo -clp:Summary -v minimal || { echo "0 passed, 1 failed"; exit 1; }

# --- PostgreSQL 15 on a free loopback port, in a temporary directory, stopped on exit.
pgdir=""
stop_pg() {
  if [ -n "$pgdir" ] && [ -d "$pgdir/data" ]; then
    su postgres -c "/usr/lib/postgresql/15/bin/pg_ctl -D $pgdir/data -m fast stop" >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap stop_pg EXIT
if [ "${TROVE_PG:-1}" != "0" ]; then
  pgbin=/usr/lib/postgresql/15/bin
  pgport=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  pgdir=$(mktemp -d /tmp/trove-pg.XXXXXX)
  chown postgres "$pgdir"
  if su postgres -c "$pgbin/initdb -D $pgdir/data -A trust -U postgres" >"$pgdir/initdb.log" 2>&1 &&
     su postgres -c "$pgbin/pg_ctl -D $pgdir/data -l $pgdir/log -w -t 60 start -o '-p $pgport -k $pgdir -c listen_addresses=127.0.0.1 -c max_prepared_transactions=20 -c max_connections=200 -c fsync=off'" >/dev/null 2>&1; then
    for db in test test2; do psql -h 127.0.0.1 -p "$pgport" -U postgres -qc "create database $db" >/dev/null 2>&1 || true; done
    export TROVE_PG_URL="postgresql://postgres@127.0.0.1:$pgport/postgres"
    export TROVE_PG_HOST=127.0.0.1 TROVE_PG_PORT=$pgport
    echo "test.sh: PostgreSQL 15 on 127.0.0.1:$pgport"
  else
    echo "test.sh: could not start PostgreSQL:"; cat "$pgdir/initdb.log" "$pgdir/log" 2>/dev/null | tail -20
    echo "0 passed, 1 failed"; exit 1
  fi
else
  echo "test.sh: TROVE_PG=0: PostgreSQL tests will be skipped"
fi

# --- Tests: every test project; a hung test is killed and counted as a failure.
log=$(mktemp /tmp/trove-test.XXXXXX.log)
dotnet test Trove.slnx -c Release --no-build -nologo --blame-hang-timeout 15m -v minimal 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

passed=0; failed=0; skipped=0
while IFS= read -r line; do
  f=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$line"); p=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$line")
  s=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$line")
  failed=$((failed + ${f:-0})); passed=$((passed + ${p:-0})); skipped=$((skipped + ${s:-0}))
done < <(grep -E '^(Passed|Failed)! +- Failed: ' "$log")
# A crashed or aborted test host prints no summary line for its project: count it as a failure.
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
rm -f "$log"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ]
