namespace Trove.TestKit;

/// <summary>CPU time and RSS of a process from /proc (used by memory tests and benchmarks).</summary>
public static class ProcStat
{
    /// <summary>utime+stime in clock ticks (fields 14 and 15 of /proc/PID/stat).</summary>
    public static long CpuTicks(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(rest[11]) + long.Parse(rest[12]);
    }

    /// <summary>Resident set size in bytes (VmRSS of /proc/PID/status).</summary>
    public static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:"))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        return 0;
    }
}
