"""Helpers shared by the side-by-side load scripts in this folder: free ports, waiting for a
server to listen, and a process's CPU time and RSS from /proc (how every script measures the
server, so Trove and its peer are read the same way)."""
import os, socket, time

# Microseconds per clock tick of /proc/PID/stat's utime and stime.
TICK_US = 1_000_000 / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, proc=None, timeout=30):
    """Waits until 127.0.0.1:port accepts connections; fails early if `proc` has exited."""
    end = time.time() + timeout
    while time.time() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError("server exited before listening on %d" % port)
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listening on %d after %d s" % (port, timeout))


def cpu_ticks(pid):
    """utime + stime of a process (fields 14 and 15 of /proc/PID/stat), in clock ticks."""
    with open("/proc/%d/stat" % pid) as f:
        rest = f.read().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def rss_bytes(pid):
    """Resident set size of a process (VmRSS of /proc/PID/status), in bytes."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0
