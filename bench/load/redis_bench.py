#!/usr/bin/python3
"""Side-by-side load test: redis-benchmark against Debian's redis-server and `trove redis`.

Runs alternately (server A, server B, A, B...) on this machine, 50 clients, each test of
SET GET INCR LPUSH LPOP SADD HSET ZADD at -P 1 and -P 16, RUNS times; for every run it records
throughput (redis-benchmark --csv) and the server's CPU time per request (utime+stime from
/proc/PID/stat before and after). Then it loads 1,000,000 keys with 16-byte values into each
server (redis-cli --pipe) and compares RSS growth. Prints a Markdown report (min/median/max and
Trove/redis ratios) to stdout.

Usage: flock /tmp/trove-bench.lock /usr/bin/python3 bench/load/redis_bench.py [--runs 5] [--n1 50000] [--n16 400000]
Needs: dotnet, a Release build of src/Trove.Host, redis-server, redis-benchmark, redis-cli.
"""
import argparse, os, socket, statistics, subprocess, sys, tempfile, time
from benchlib import TICK_US, cpu_ticks, free_port, rss_bytes, wait_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = ["SET", "GET", "INCR", "LPUSH", "LPOP", "SADD", "HSET", "ZADD"]


OPTIONS = {"trove_dll": os.path.join(ROOT, "src", "Trove.Host", "bin", "Release", "net10.0", "trove.dll")}


def start_servers(tmp):
    rp, tp = free_port(), free_port()
    redis = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(rp), "--dir", tmp,
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    trove = subprocess.Popen(["dotnet", OPTIONS["trove_dll"], "redis", "--port", str(tp)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_port(rp, redis)
    wait_port(tp, trove)
    return {"redis-server": (redis, rp), "trove": (trove, tp)}


def bench(port, pid, test, pipeline, n):
    subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], stdout=subprocess.DEVNULL, check=True)
    before = cpu_ticks(pid)
    out = subprocess.run(["redis-benchmark", "-p", str(port), "-c", "50", "-n", str(n), "-P", str(pipeline),
                          "-t", test, "--csv"], capture_output=True, text=True, timeout=600).stdout
    after = cpu_ticks(pid)
    rps = None
    for line in out.splitlines():
        parts = [p.strip('"') for p in line.split(",")]
        if len(parts) >= 2 and parts[0].upper().startswith(test):
            rps = float(parts[1])
    if rps is None:
        raise RuntimeError("no result for %s: %s" % (test, out))
    cpu_us_per_req = (after - before) * TICK_US / n
    return rps, cpu_us_per_req


def memory(servers, keys):
    proto = os.path.join(tempfile.gettempdir(), "trove-bench-1m.resp")
    if not os.path.exists(proto):
        with open(proto, "wb") as f:
            for i in range(keys):
                k = b"key:%012d" % i
                f.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$16\r\n%s\r\n" % (len(k), k, b"v" * 16))
    result = {}
    for name, (proc, port) in servers.items():
        subprocess.run(["redis-cli", "-p", str(port), "FLUSHALL"], stdout=subprocess.DEVNULL, check=True)
        time.sleep(1)
        base = rss_bytes(proc.pid)
        with open(proto, "rb") as f:
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], stdin=f, stdout=subprocess.DEVNULL, check=True)
        time.sleep(2)
        dbsize = subprocess.run(["redis-cli", "-p", str(port), "DBSIZE"], capture_output=True, text=True).stdout.strip()
        result[name] = (rss_bytes(proc.pid) - base, dbsize)
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--n1", type=int, default=50000)
    ap.add_argument("--n16", type=int, default=400000)
    ap.add_argument("--keys", type=int, default=1000000)
    ap.add_argument("--tests", default=",".join(TESTS))
    ap.add_argument("--trove-dll", default=None, help="a copy of the build, so rebuilding during a run changes nothing")
    ap.add_argument("--only", choices=["throughput", "memory"], default=None, help="run one half of the comparison")
    ap.add_argument("--warmup", type=int, default=1, help="unrecorded passes of every test first (Trove's JIT tiers up during the first)")
    a = ap.parse_args()
    if a.trove_dll:
        OPTIONS["trove_dll"] = a.trove_dll
    tests = a.tests.split(",")
    tmp = tempfile.mkdtemp(prefix="trove-bench-")
    servers = start_servers(tmp)
    data = {}  # (server, P, test) -> [(rps, cpu)]
    try:
        for _ in range(a.warmup if a.only != "memory" else 0):
            for pipeline, n in ((1, a.n1), (16, a.n16)):
                for test in tests:
                    for name, (proc, port) in servers.items():
                        bench(port, proc.pid, test, pipeline, n)
            print("warm-up done", file=sys.stderr)
        for run in range(a.runs if a.only != "memory" else 0):
            order = list(servers.items()) if run % 2 == 0 else list(reversed(list(servers.items())))
            for pipeline, n in ((1, a.n1), (16, a.n16)):
                for test in tests:
                    for name, (proc, port) in order:
                        data.setdefault((name, pipeline, test), []).append(bench(port, proc.pid, test, pipeline, n))
            print("run %d done" % (run + 1), file=sys.stderr)
    finally:
        for proc, _ in servers.values():
            proc.kill()
            proc.wait()
    # Fresh processes for the memory test, so heap kept from the throughput runs does not hide growth.
    mem = None
    if a.only != "throughput":
        servers = start_servers(tmp)
        try:
            mem = memory(servers, a.keys)
        finally:
            for proc, _ in servers.values():
                proc.kill()
                proc.wait()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    print("# Trove.Redis vs redis-server: redis-benchmark, 50 clients\n")
    print("commit %s, %s, %d runs alternating servers (the machine is shared and noisy: other builds run at the same time),"
          " -n %d at -P 1 and %d at -P 16, after %d unrecorded warm-up pass(es). CPU/req = server utime+stime per request (µs).\n"
          % (commit, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), a.runs, a.n1, a.n16, a.warmup))
    for pipeline in (1, 16) if a.only != "memory" else ():
        print("## -P %d\n" % pipeline)
        print("| test | redis rps min/med/max | trove rps min/med/max | rps ratio (med) | redis CPU µs/req min/med/max | trove CPU µs/req min/med/max | CPU ratio (med) |")
        print("|---|---|---|---|---|---|---|")
        for test in tests:
            r = data[("redis-server", pipeline, test)]
            t = data[("trove", pipeline, test)]
            def mmm(xs, fmt):
                return "/".join(fmt % v for v in (min(xs), statistics.median(xs), max(xs)))
            rr, tr = [x[0] for x in r], [x[0] for x in t]
            rc, tc = [x[1] for x in r], [x[1] for x in t]
            print("| %s | %s | %s | %.2f× | %s | %s | %.2f× |" % (test, mmm(rr, "%.0f"), mmm(tr, "%.0f"),
                  statistics.median(tr) / statistics.median(rr), mmm(rc, "%.2f"), mmm(tc, "%.2f"),
                  statistics.median(tc) / max(statistics.median(rc), 1e-9)))
        print()
    if mem is None:
        return
    print("## Memory: %d keys, 16-byte values (RSS growth)\n" % a.keys)
    r, t = mem["redis-server"], mem["trove"]
    print("| server | RSS growth | DBSIZE |\n|---|---|---|")
    print("| redis-server | %.1f MB | %s |" % (r[0] / 1e6, r[1]))
    print("| trove | %.1f MB | %s |" % (t[0] / 1e6, t[1]))
    print("\nratio trove/redis-server: %.2f×" % (t[0] / max(r[0], 1)))


if __name__ == "__main__":
    main()
