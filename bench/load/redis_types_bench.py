#!/usr/bin/python3
"""redis-benchmark on the collection-type tests (LPUSH LPOP SADD HSET ZADD SPOP LRANGE_100),
Trove against redis-server 7.0, alternating the servers run by run (and which goes first),
measuring throughput and the server's CPU time per request (/proc/PID/stat utime+stime).

Usage: /usr/bin/python3 bench/load/redis_types_bench.py [--runs 5] [--requests 200000] [--out FILE]
Each redis-benchmark run holds /tmp/trove-bench.lock so that team benchmarks do not overlap.
"""
import argparse, os, socket, statistics, subprocess, sys, tempfile, time
from benchlib import TICK_US, cpu_ticks, free_port, rss_bytes, wait_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTS = ["lpush", "lpop", "sadd", "hset", "zadd", "spop", "lrange_100"]


def bench(port, pid, test, pipeline, requests):
    before = cpu_ticks(pid)
    out = subprocess.run(["flock", "/tmp/trove-bench.lock", "redis-benchmark", "-p", str(port), "-c", "50",
                          "-n", str(requests), "-P", str(pipeline), "-t", test, "--csv", "-q"],
                         capture_output=True, text=True, timeout=600).stdout
    after = cpu_ticks(pid)
    rps = None
    for line in out.splitlines():
        parts = line.replace('"', "").split(",")
        if len(parts) >= 2 and parts[0] != "test":
            rps = float(parts[1])
    if rps is None:
        raise SystemExit("no result from redis-benchmark for %s: %r" % (test, out))
    return rps, (after - before) * TICK_US / requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--requests", type=int, default=200000)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "redis-types.md"))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="trove-types-bench-")
    rport, tport = free_port(), free_port()
    redis = subprocess.Popen(["/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", str(rport), "--dir", tmp,
                              "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    trove = subprocess.Popen([os.path.join(ROOT, "trove"), "redis", "--port", str(tport)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_port(rport, timeout=900)
        wait_port(tport, timeout=900)
        servers = {"redis": (rport, redis.pid), "trove": (tport, trove.pid)}
        rss0 = {k: rss_bytes(p) // 1024 for k, (_, p) in servers.items()}
        results = {}
        for pipeline in (1, 16):
            for test in TESTS:
                for run in range(args.runs):
                    order = ["redis", "trove"] if run % 2 == 0 else ["trove", "redis"]
                    for name in order:
                        port, pid = servers[name]
                        rps, us = bench(port, pid, test, pipeline, args.requests)
                        results.setdefault((pipeline, test, name), []).append((rps, us))
                        print("P%-2d %-10s %-5s run %d: %10.0f req/s %6.2f us CPU/req" % (pipeline, test, name, run + 1, rps, us), flush=True)
        rss1 = {k: rss_bytes(p) // 1024 for k, (_, p) in servers.items()}
        commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
        lines = ["# Trove.Redis collection types vs redis-server 7.0 (redis-benchmark)", "",
                 "Commit %s, %s, 2 cores shared with other builds (noisy: the servers were alternated run by run"
                 " and the first server swapped every run). 50 clients, %d requests a run, %d runs per server."
                 % (commit, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), args.requests, args.runs), "",
                 "Throughput in requests/s (min / median / max); CPU is the server's user+system time per request in"
                 " microseconds (min / median / max). Ratios are Trove median / redis median.", "",
                 "| -P | test | redis req/s | trove req/s | ratio | redis us/req | trove us/req | CPU ratio |",
                 "|---|---|---|---|---|---|---|---|"]
        for pipeline in (1, 16):
            for test in TESTS:
                r = results[(pipeline, test, "redis")]
                t = results[(pipeline, test, "trove")]
                def mmm(xs, fmt):
                    return " / ".join(fmt % v for v in (min(xs), statistics.median(xs), max(xs)))
                rr, tr = [x[0] for x in r], [x[0] for x in t]
                rc, tc = [x[1] for x in r], [x[1] for x in t]
                ratio = statistics.median(tr) / statistics.median(rr)
                cratio = statistics.median(tc) / statistics.median(rc) if statistics.median(rc) > 0 else float("nan")
                lines.append("| %d | %s | %s | %s | %.2f | %s | %s | %.2f |" % (
                    pipeline, test.upper(), mmm(rr, "%.0f"), mmm(tr, "%.0f"), ratio, mmm(rc, "%.2f"), mmm(tc, "%.2f"), cratio))
        lines += ["", "RSS growth over the whole run (the lists, sets, hashes and sorted sets the benchmark built):"
                  " redis %d KiB, trove %d KiB." % (rss1["redis"] - rss0["redis"], rss1["trove"] - rss0["trove"]), ""]
        with open(args.out, "w") as f:
            f.write("\n".join(lines))
        print("\n".join(lines))
    finally:
        for p in (redis, trove):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


if __name__ == "__main__":
    main()
