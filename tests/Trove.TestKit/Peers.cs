namespace Trove.TestKit;

/// <summary>
/// The real servers from Debian's packages, started on free loopback ports in a temporary
/// directory and stopped by pid on dispose (recipes of shared/peers.md).
/// </summary>
public sealed class PeerServer : IAsyncDisposable
{
    private readonly List<int> _pids = new();
    private readonly ExternalProcess? _process;

    private PeerServer(string name, int port, string dir, ExternalProcess? process)
    {
        Name = name; Port = port; Directory = dir; _process = process;
    }

    public string Name { get; }
    public int Port { get; }
    public string Directory { get; }
    /// <summary>The server process's pid (for CPU and RSS readings).</summary>
    public int Pid => _pids.Count > 0 ? _pids[0] : _process?.Pid ?? 0;

    private static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), $"trove-peer-{name}-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>True when the peer's binary is installed (./test.sh installs them).</summary>
    public static bool Installed(string binary) => File.Exists(binary);

    /// <summary>Debian's redis-server 7.0, no persistence.</summary>
    public static async Task<PeerServer> StartRedisAsync(params string[] extra)
    {
        int port = FreePort.Get();
        var dir = TempDir("redis");
        var p = ExternalProcess.Start("/usr/bin/redis-server",
            ["--bind", "127.0.0.1", "--port", port.ToString(), "--dir", dir, "--save", "", "--appendonly", "no", .. extra]);
        var s = new PeerServer("redis", port, dir, p);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(20), () => p.IsRunning);
        return s;
    }

    /// <summary>Debian's memcached 1.6 in the foreground.</summary>
    public static async Task<PeerServer> StartMemcachedAsync(params string[] extra)
    {
        int port = FreePort.Get();
        var dir = TempDir("memcached");
        var p = ExternalProcess.Start("/usr/bin/memcached", ["-l", "127.0.0.1", "-p", port.ToString(), "-U", "0", "-u", "root", .. extra]);
        var s = new PeerServer("memcached", port, dir, p);
        await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(20), () => p.IsRunning);
        return s;
    }

    /// <summary>Debian's RabbitMQ 3.10 with private node name, ports and files (about 5 s to boot).</summary>
    public static async Task<PeerServer> StartRabbitMqAsync()
    {
        int port = FreePort.Get(), dist = FreePort.Get(), epmd = FreePort.Get(), ctl = FreePort.Get();
        var rb = TempDir("rabbitmq");
        foreach (var sub in new[] { "mnesia", "log", "home" }) System.IO.Directory.CreateDirectory(Path.Combine(rb, sub));
        File.WriteAllText(Path.Combine(rb, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(rb, "rabbitmq-env.conf"), "");
        File.WriteAllText(Path.Combine(rb, "rabbitmq.conf"), $"listeners.tcp.1 = 127.0.0.1:{port}\nloopback_users.guest = true\n");
        var env = RabbitEnv(rb, port, dist, epmd, ctl);
        await ExternalProcess.RunAsync("epmd", ["-daemon", "-address", "127.0.0.1", "-port", epmd.ToString()], TimeSpan.FromSeconds(10), env);
        var p = ExternalProcess.Start("setsid", ["/usr/lib/rabbitmq/bin/rabbitmq-server"], env);
        var s = new PeerServer("rabbitmq", port, rb, p);
        try
        {
            await FreePort.WaitListeningAsync(port, TimeSpan.FromSeconds(60));
        }
        catch
        {
            await s.DisposeAsync();
            throw;
        }
        s._pids.Add(FindListener(port));
        s._pids.Add(FindListener(epmd));
        return s;
    }

    /// <summary>The environment RabbitMQ's scripts need for a private node.</summary>
    public static Dictionary<string, string> RabbitEnv(string rb, int port, int dist, int epmd, int ctl) => new()
    {
        ["HOME"] = Path.Combine(rb, "home"),
        ["RABBITMQ_NODENAME"] = $"peer{port}@localhost",
        ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_NODE_PORT"] = port.ToString(),
        ["RABBITMQ_DIST_PORT"] = dist.ToString(),
        ["ERL_EPMD_PORT"] = epmd.ToString(),
        ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        ["RABBITMQ_CTL_DIST_PORT_MIN"] = ctl.ToString(),
        ["RABBITMQ_CTL_DIST_PORT_MAX"] = (ctl + 10).ToString(),
        ["RABBITMQ_MNESIA_BASE"] = Path.Combine(rb, "mnesia"),
        ["RABBITMQ_LOG_BASE"] = Path.Combine(rb, "log"),
        ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(rb, "enabled_plugins"),
        ["RABBITMQ_CONFIG_FILE"] = Path.Combine(rb, "rabbitmq.conf"),
        ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(rb, "rabbitmq-env.conf"),
        ["RABBITMQ_PID_FILE"] = Path.Combine(rb, "rabbit.pid"),
        ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
    };

    /// <summary>The pid of the process listening on a loopback TCP port (from /proc/net/tcp and fd links).</summary>
    public static int FindListener(int port)
    {
        var inodes = new HashSet<string>();
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == "0A" && Convert.ToInt32(f[1].Split(':')[1], 16) == port) inodes.Add(f[9]);
            }
        }
        foreach (var pidDir in System.IO.Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(pidDir), out int pid)) continue;
            try
            {
                foreach (var fd in System.IO.Directory.EnumerateFileSystemEntries(Path.Combine(pidDir, "fd")))
                {
                    var target = new FileInfo(fd).LinkTarget;
                    if (target is not null && target.StartsWith("socket:[") && inodes.Contains(target[8..^1])) return pid;
                }
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException) { }
        }
        return 0;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var pid in _pids) if (pid > 0) Signals.Send(pid, Signals.SIGKILL);
        if (_process is not null) await _process.DisposeAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
