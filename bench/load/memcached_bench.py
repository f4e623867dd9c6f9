#!/usr/bin/python3
"""Side-by-side load test: Debian's memcached 1.6 vs `trove memcached`.

memcaslap (same flags for both) runs a get/set 9:1 mix and a set-only load, alternating the two
servers run by run; each run records throughput (memcaslap's TPS) and the server's CPU time per
request (utime+stime from /proc/PID/stat before and after). Then memory per item: RSS growth of a
fresh server after 1,000,000 items with 16-byte values. Prints a markdown report (also written to
bench/results/memcached.md unless --no-write).

Run one benchmark at a time on the machine:  flock /tmp/trove-bench.lock bench/load/memcached_bench.py
"""
import argparse, os, re, socket, statistics, subprocess, sys, tempfile, time
from benchlib import TICK_US, cpu_ticks, free_port, rss_bytes, wait_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
HERE = os.path.dirname(os.path.abspath(__file__))


# Server variants: "trove-pipes" is `trove memcached` with the event loop off (TROVE_EVENT_LOOP=0),
# i.e. the same session over the async pipe transport, for transport A/B runs (--servers).
TROVE_ENV = {"trove": {}, "trove-pipes": {"TROVE_EVENT_LOOP": "0"}}


class Server:
    def __init__(self, kind, memory_mb=1024):
        self.kind, self.port = kind, free_port()
        self.dir = tempfile.mkdtemp(prefix="trove-bench-")
        self.pidfile = os.path.join(self.dir, "pid")
        common = ["-l", "127.0.0.1", "-p", str(self.port), "-m", str(memory_mb), "-c", "1024", "-t", "4", "-P", self.pidfile]
        # Both run in the foreground, in this script's session: with -d each server would get a
        # scheduler autogroup of its own and compete with every other session on the shared machine,
        # which dominated the figures (see the results file).
        if kind == "memcached":
            cmd = ["/usr/bin/memcached", "-U", "0", "-u", "root"] + common
        else:
            cmd = ["dotnet", os.path.join(ROOT, "src/Trove.Host/bin/Release/net10.0/trove.dll"), "memcached",
                   "--allow-control-keys"] + common
        env = dict(os.environ, **TROVE_ENV.get(kind, {}))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        wait_port(self.port)
        if kind == "memcached":
            self.pid = self.proc.pid  # memcached writes -P only with -d
        else:
            for _ in range(100):
                if os.path.exists(self.pidfile) and open(self.pidfile).read().strip():
                    break
                time.sleep(0.05)
            self.pid = int(open(self.pidfile).read().strip())

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except ProcessLookupError:
            pass
        for _ in range(100):
            try:
                os.kill(self.pid, 0); time.sleep(0.05)
            except ProcessLookupError:
                break
        else:
            os.kill(self.pid, 9)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def memcaslap(port, cfg, seconds):
    """Runs memcaslap; returns (ops, tps), or None when it did not finish (the socket queues are
    printed then, to tell a server that stopped answering from a stuck load generator)."""
    p = subprocess.Popen(["memcaslap", "-s", "127.0.0.1:%d" % port, "-T", "2", "-c", "50", "-t", "%ds" % seconds,
                          "-F", os.path.join(HERE, cfg)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        out = p.communicate(timeout=seconds + 30)[0]
    except subprocess.TimeoutExpired:
        ss = subprocess.run(["ss", "-tn", "( sport = :%d )" % port], capture_output=True, text=True).stdout.splitlines()
        busy = [l for l in ss[1:] if l.split()[1] != "0" or l.split()[2] != "0"]
        print("memcaslap did not finish; %d server sockets, with queued bytes (Recv-Q Send-Q): %s"
              % (len(ss) - 1, busy[:10]), flush=True)
        p.kill()
        p.communicate()
        return None
    m = re.search(r"Run time: [\d.]+s Ops: (\d+) TPS: (\d+)", out)
    if not m:
        raise RuntimeError("memcaslap output not understood:\n" + out)
    return int(m.group(1)), int(m.group(2))


def load_items(port, count, value_size=16):
    s = socket.create_connection(("127.0.0.1", port))
    value = b"v" * value_size
    batch = []
    for i in range(count):
        batch.append(b"set key:%08d 0 0 %d noreply\r\n%s\r\n" % (i, value_size, value))
        if len(batch) == 2000:
            s.sendall(b"".join(batch)); batch = []
    s.sendall(b"".join(batch) + b"version\r\n")
    buf = b""
    while b"VERSION" not in buf:
        buf += s.recv(65536)
    s.close()


def summary(xs):
    return min(xs), statistics.median(xs), max(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--items", type=int, default=1_000_000)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--servers", default="memcached,trove",
                    help="comma list of memcached, trove, trove-pipes (alternated run by run)")
    args = ap.parse_args()
    kinds = args.servers.split(",")
    troves = [k for k in kinds if k != "memcached"]
    subprocess.run(["dotnet", "build", os.path.join(ROOT, "src/Trove.Host"), "-c", "Release", "-nologo", "-v", "q"],
                   check=True, stdout=subprocess.DEVNULL)
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    results = {}
    servers = {k: Server(k) for k in kinds}
    try:
        for workload, cfg in (("get/set 9:1", "memcached_mix.cfg"), ("set only", "memcached_set.cfg")):
            for k in servers:  # warm-up (JIT, tables), not recorded
                memcaslap(servers[k].port, cfg, 3)
            failed = {}
            for run in range(args.runs):
                # Rotate which server goes first, so no server always runs right after another.
                order = kinds[run % len(kinds):] + kinds[:run % len(kinds)]
                for k in order:
                    srv = servers[k]
                    before = cpu_ticks(srv.pid)
                    r = memcaslap(srv.port, cfg, args.seconds)
                    if r is None:
                        failed[k] = failed.get(k, 0) + 1
                        print("%-12s %-10s run %d: did not finish (not counted)" % (workload, k, run + 1), flush=True)
                        continue
                    ops, tps = r
                    cpu_us = (cpu_ticks(srv.pid) - before) * TICK_US / ops
                    results.setdefault((workload, k), []).append((tps, cpu_us))
                    print("%-12s %-10s run %d: %8d ops/s  %.2f us CPU/request" % (workload, k, run + 1, tps, cpu_us), flush=True)
    finally:
        for s in servers.values():
            s.stop()
    memory = {}
    for k in (("memcached", "trove") if args.items > 0 else ()):
        srv = Server(k, memory_mb=1024)
        try:
            time.sleep(1)
            before = rss_bytes(srv.pid)
            load_items(srv.port, args.items)
            time.sleep(1)
            memory[k] = (rss_bytes(srv.pid) - before) / args.items
            print("memory %-10s %.1f bytes/item" % (k, memory[k]), flush=True)
        finally:
            srv.stop()

    lines = ["# Trove.Memcached vs memcached 1.6: side-by-side benchmark", "",
             "Commit `%s`, %s, %d cores (%s). memcaslap `-T 2 -c 50 -t %ds`, 32-byte keys, 100-byte values;"
             % (commit, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), os.cpu_count(), os.uname().machine, args.seconds),
             "both servers `-m 1024 -c 1024 -t 4`, started once, a 3 s warm-up per workload, then %d runs each, alternating"
             % args.runs,
             "which server goes first; both run in the foreground in the benchmark's session (see below for -d).",
             "The machine is shared and noisy (other builds run at the same time) and memcaslap",
             "competes with the server for the 2 cores, so CPU time per request (server utime+stime / requests) is the",
             "steadier figure.", "",
             "| workload | server | ops/s min | median | max | CPU us/req min | median | max |",
             "|---|---|---:|---:|---:|---:|---:|---:|"]
    for workload in ("get/set 9:1", "set only"):
        for k in kinds:
            r = results[(workload, k)]
            t, c = summary([x[0] for x in r]), summary([x[1] for x in r])
            lines.append("| %s | %s | %d | %d | %d | %.2f | %.2f | %.2f |" % (workload, k, t[0], t[1], t[2], c[0], c[1], c[2]))
    lines += ["", "| workload | server | throughput x/memcached (median) | CPU per request x/memcached (median) |",
              "|---|---|---:|---:|"]
    for workload in ("get/set 9:1", "set only"):
        tm = statistics.median(x[0] for x in results[(workload, "memcached")])
        cm = statistics.median(x[1] for x in results[(workload, "memcached")])
        for k in troves:
            tt = statistics.median(x[0] for x in results[(workload, k)])
            ct = statistics.median(x[1] for x in results[(workload, k)])
            lines.append("| %s | %s | %.2fx | %.2fx |" % (workload, k, tt / tm, ct / cm))
    if memory:
        lines += ["", "Memory per item, %d items with 16-byte values (12-byte keys), RSS growth / items:" % args.items, "",
                  "| server | bytes/item |", "|---|---:|",
                  "| memcached | %.1f |" % memory["memcached"], "| trove | %.1f |" % memory["trove"],
                  "| ratio trove/memcached | %.2fx |" % (memory["trove"] / memory["memcached"]), ""]
    report = "\n".join(lines)
    print(report)
    if not args.no_write:
        os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
        with open(os.path.join(ROOT, "bench", "results", "memcached.md"), "w") as f:
            f.write(report)


if __name__ == "__main__":
    main()
