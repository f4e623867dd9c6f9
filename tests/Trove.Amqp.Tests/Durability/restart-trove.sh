#!/usr/bin/env bash
# Restarts a `trove amqp` broker on the same data directory (the seed script's --restart-cmd).
#   restart-trove.sh PIDFILE PORT DATA_DIR [--kill]
# Stops the broker whose pid is in PIDFILE (SIGTERM, or SIGKILL with --kill) and waits until it is
# gone, starts `dotnet trove.dll amqp --port PORT --data DATA_DIR` again, detached, writes the new pid
# to PIDFILE, and returns once PORT accepts connections (exit 1 after 60 s). trove.dll is $TROVE_DLL,
# else the Release build of src/Trove.Host next to this script. The caller stops the last broker by
# the pid in PIDFILE.
set -euo pipefail
pidfile=$1 port=$2 data=$3 sig=TERM
[ "${4:-}" = "--kill" ] && sig=KILL
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
dll=${TROVE_DLL:-$root/src/Trove.Host/bin/Release/net10.0/trove.dll}
pid=$(cat "$pidfile")
kill -"$sig" "$pid" 2>/dev/null || true
for _ in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; sleep 0.2; fi
setsid dotnet "$dll" amqp --port "$port" --data "$data" >>"$data/restart.log" 2>&1 </dev/null &
echo $! >"$pidfile"
for _ in $(seq 1 600); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then exit 0; fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || { echo "trove exited:"; tail -20 "$data/restart.log"; exit 1; }
  sleep 0.1
done
echo "trove did not listen on $port within 60 s"; exit 1
