#!/usr/bin/python3
"""Memory of the collection types, Trove against redis-server 7.0: loads the same data into a
fresh pair of servers with redis-cli --pipe and compares the RSS growth of the two processes.

Usage: /usr/bin/python3 bench/load/redis_types_memory.py [--n 1000000]
Shapes: one list of n 16-byte values; one set, one hash (field and value 16 bytes) and one
sorted set of n members; and n/10 small hashes of 10 fields each.
"""
import argparse, os, socket, subprocess, tempfile, time
from benchlib import free_port, rss_bytes, wait_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cmd(*args):
    out = b"*%d\r\n" % len(args)
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out += b"$%d\r\n%s\r\n" % (len(a), a)
    return out


def shapes(n):
    yield "LPUSH list of %d x 16 B" % n, (cmd("RPUSH", "L", "v%015d" % i) for i in range(n))
    yield "SADD set of %d x 16 B" % n, (cmd("SADD", "S", "m%015d" % i) for i in range(n))
    yield "HSET hash of %d fields (16 B + 16 B)" % n, (cmd("HSET", "H", "f%015d" % i, "v%015d" % i) for i in range(n))
    yield "ZADD sorted set of %d x 16 B" % n, (cmd("ZADD", "Z", i, "m%015d" % i) for i in range(n))
    yield "%d hashes of 10 fields" % (n // 10), (cmd("HSET", "h%d" % i, *sum((["f%d" % j, "value%09d" % j] for j in range(10)), [])) for i in range(n // 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000000)
    args = ap.parse_args()
    rows = []
    for title, gen in shapes(args.n):
        payload = b"".join(gen)
        tmp = tempfile.mkdtemp(prefix="trove-types-mem-")
        rport, tport = free_port(), free_port()
        redis = subprocess.Popen(["/usr/bin/redis-server", "--bind", "127.0.0.1", "--port", str(rport), "--dir", tmp,
                                  "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
        trove = subprocess.Popen([os.path.join(ROOT, "trove"), "redis", "--port", str(tport)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_port(rport, timeout=900)
            wait_port(tport, timeout=900)
            growth = {}
            for name, port, proc in (("redis", rport, redis), ("trove", tport, trove)):
                time.sleep(1)
                before = rss_bytes(proc.pid) // 1024
                subprocess.run(["flock", "/tmp/trove-bench.lock", "redis-cli", "-p", str(port), "--pipe"],
                               input=payload, capture_output=True, timeout=600)
                time.sleep(2)
                growth[name] = rss_bytes(proc.pid) // 1024 - before
            rows.append((title, growth["redis"], growth["trove"]))
            print("%-40s redis %8d KiB  trove %8d KiB  ratio %.2f" % (title, growth["redis"], growth["trove"], growth["trove"] / max(1, growth["redis"])), flush=True)
        finally:
            for p in (redis, trove):
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    lines = ["", "## Memory (RSS growth after loading, commit %s)" % commit, "",
             "| data | redis KiB | trove KiB | trove/redis |", "|---|---|---|---|"]
    for title, r, t in rows:
        lines.append("| %s | %d | %d | %.2f |" % (title, r, t, t / max(1, r)))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
