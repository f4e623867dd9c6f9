using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Trove.Amqp.Framing;

namespace Trove.Amqp.Broker;

/// <summary>
/// The whole broker state: users, permissions, virtual hosts and the stores.
/// <para>
/// Concurrency: one lock (<see cref="Lock"/>) guards every vhost, exchange, queue and consumer.
/// Connections take it per method (and per published message); deliveries to other connections
/// happen under it and only append to those connections' output buffers, which have their own
/// short lock taken after this one (never the other way round). A timer sweeps TTLs and x-expires.
/// </para>
/// </summary>
public sealed class Broker : IAsyncDisposable
{
    private readonly Dictionary<string, VirtualHost> _vhosts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserDefinition> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Vhost, string User), CompiledPermission> _permissions = new();
    private readonly Timer _sweeper;

    /// <summary>The one lock (see the class remarks).</summary>
    public Lock Lock { get; } = new();
    /// <summary>Persistent message store.</summary>
    public IMessageStore Store { get; }
    /// <summary>Durable definitions.</summary>
    public IDefinitionStore Definitions { get; }
    /// <summary>Flow-control alarms, or null.</summary>
    public IResourceMonitor? Monitor { get; }

    /// <summary>Opens the stores, loads definitions and recovers durable queues' messages.</summary>
    public Broker(IMessageStore store, IDefinitionStore definitions, IResourceMonitor? monitor = null)
    {
        Store = store;
        Definitions = definitions;
        Monitor = monitor;
        Load();
        _sweeper = new Timer(_ => Sweep(), null, 100, 100);
    }

    /// <summary>The vhosts.</summary>
    public IReadOnlyDictionary<string, VirtualHost> Vhosts => _vhosts;

    /// <summary>Users by name.</summary>
    public IReadOnlyDictionary<string, UserDefinition> Users => _users;

    private void Load()
    {
        var defs = Definitions.Load();
        if (defs.Vhosts.Count == 0 && defs.Users.Count == 0)
        {
            // First start: RabbitMQ's defaults (vhost "/", user guest/guest with all permissions).
            Definitions.SaveVhost("/");
            Definitions.SaveUser(new UserDefinition("guest", HashPassword("guest"), "administrator"));
            Definitions.SavePermission(new PermissionDefinition("/", "guest", ".*", ".*", ".*"));
            defs = Definitions.Load();
        }
        foreach (var v in defs.Vhosts) _vhosts[v] = new VirtualHost(this, v);
        foreach (var u in defs.Users) _users[u.Name] = u;
        foreach (var p in defs.Permissions) _permissions[(p.Vhost, p.User)] = new CompiledPermission(p);
        foreach (var x in defs.Exchanges)
        {
            if (!_vhosts.TryGetValue(x.Vhost, out var vh) || vh.FindExchange(x.Name) is not null) continue;
            if (!Exchange.TryParseType(x.Type, out var t)) continue;
            vh.DeclareExchange(x.Name, t, true, x.AutoDelete, x.Internal, x.Arguments, persist: false);
        }
        foreach (var q in defs.Queues)
        {
            if (!_vhosts.TryGetValue(q.Vhost, out var vh) || vh.FindQueue(q.Name) is not null) continue;
            QueueArguments args;
            try { args = QueueArguments.Parse(FieldTable.Decode(q.Arguments)); }
            catch (AmqpException) { continue; }
            var queue = vh.DeclareQueue(q.Name, true, false, 0, q.AutoDelete, q.Arguments, args, persist: false);
            foreach (var m in Store.Recover(q.Vhost, q.Name)) queue.Restore(m);
        }
        foreach (var b in defs.Bindings)
        {
            if (!_vhosts.TryGetValue(b.Vhost, out var vh) || vh.FindExchange(b.Source) is not { } src) continue;
            var q = b.DestinationIsExchange ? null : vh.FindQueue(b.Destination);
            var x = b.DestinationIsExchange ? vh.FindExchange(b.Destination) : null;
            if (q is null && x is null) continue;
            var binding = new Binding(b.RoutingKey, FieldTable.Decode(b.Arguments), b.Arguments, q, x);
            if (src.AddBinding(binding)) q?.BoundFrom.Add((src, binding));
        }
    }

    private void Sweep()
    {
        lock (Lock)
            foreach (var vh in _vhosts.Values) vh.Sweep();
    }

    /// <summary>Checks a user's password (constant-time compare of the salted hash); null when refused.</summary>
    public UserDefinition? Authenticate(string user, string password)
    {
        lock (Lock)
        {
            if (!_users.TryGetValue(user, out var u)) return null;
            return VerifyPassword(u.PasswordHash, password) ? u : null;
        }
    }

    /// <summary>True when the user has any permission in the vhost (connection.open).</summary>
    public bool CanAccessVhost(string user, string vhost) => _permissions.ContainsKey((vhost, user));

    /// <summary>Throws 403 ACCESS_REFUSED unless <paramref name="user"/> may do <paramref name="kind"/> on the resource.</summary>
    public void CheckPermission(string user, string vhost, PermissionKind kind, string resource, bool isQueue)
    {
        if (_permissions.TryGetValue((vhost, user), out var p) && p.Allows(kind, resource)) return;
        string what = isQueue ? "queue" : "exchange";
        string name = !isQueue && resource == "" ? "amq.default" : resource;
        string verb = kind switch { PermissionKind.Configure => "configure", PermissionKind.Write => "write", _ => "read" };
        AmqpException.Channel(ReplyCode.AccessRefused,
            $"ACCESS_REFUSED - {verb} access to {what} '{name}' in vhost '{vhost}' refused for user '{user}'");
    }

    // ---- management (the `trove amqp` CLI uses the definition store directly; these keep a running broker in step) ----

    /// <summary>Adds or replaces a user.</summary>
    public void PutUser(string name, string password, string tags = "")
    {
        lock (Lock)
        {
            var u = new UserDefinition(name, HashPassword(password), tags);
            _users[name] = u;
            Definitions.SaveUser(u);
        }
    }

    /// <summary>Adds a vhost.</summary>
    public VirtualHost PutVhost(string name)
    {
        lock (Lock)
        {
            if (!_vhosts.TryGetValue(name, out var vh))
            {
                _vhosts[name] = vh = new VirtualHost(this, name);
                Definitions.SaveVhost(name);
            }
            return vh;
        }
    }

    /// <summary>Sets a user's permissions in a vhost.</summary>
    public void PutPermission(string vhost, string user, string configure, string write, string read)
    {
        lock (Lock)
        {
            var p = new PermissionDefinition(vhost, user, configure, write, read);
            _permissions[(vhost, user)] = new CompiledPermission(p);
            Definitions.SavePermission(p);
        }
    }

    /// <summary>RabbitMQ's password hash: base64(salt ‖ SHA-256(salt ‖ utf8(password))) with a 4-byte salt.</summary>
    public static string HashPassword(string password)
    {
        Span<byte> salt = stackalloc byte[4];
        RandomNumberGenerator.Fill(salt);
        return Convert.ToBase64String(Salted(salt, password));
    }

    /// <summary>Checks a password against a <see cref="HashPassword"/> hash.</summary>
    public static bool VerifyPassword(string hash, string password)
    {
        byte[] stored;
        try { stored = Convert.FromBase64String(hash); }
        catch (FormatException) { return false; }
        if (stored.Length != 36) return false;
        return CryptographicOperations.FixedTimeEquals(stored, Salted(stored.AsSpan(0, 4), password));
    }

    private static byte[] Salted(ReadOnlySpan<byte> salt, string password)
    {
        var pw = Encoding.UTF8.GetBytes(password);
        var input = new byte[4 + pw.Length];
        salt.CopyTo(input);
        pw.CopyTo(input, 4);
        var result = new byte[36];
        salt.CopyTo(result);
        SHA256.HashData(input, result.AsSpan(4));
        return result;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _sweeper.DisposeAsync();
        await Store.DisposeAsync();
        Definitions.Dispose();
    }

    private sealed class CompiledPermission(PermissionDefinition p)
    {
        private readonly Regex _configure = Compile(p.Configure), _write = Compile(p.Write), _read = Compile(p.Read);

        private static Regex Compile(string pattern) => new(pattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

        public bool Allows(PermissionKind kind, string resource)
        {
            var r = kind switch { PermissionKind.Configure => _configure, PermissionKind.Write => _write, _ => _read };
            // RabbitMQ: an empty pattern matches nothing; otherwise a (partial) regex match.
            return r.ToString().Length > 0 && r.IsMatch(resource);
        }
    }
}

/// <summary>RabbitMQ's three permission kinds.</summary>
public enum PermissionKind
{
    /// <summary>declare/delete</summary>
    Configure,
    /// <summary>publish, bind to</summary>
    Write,
    /// <summary>consume, get, purge, bind from</summary>
    Read,
}
