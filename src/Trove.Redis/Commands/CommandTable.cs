using System.Text;

namespace Trove.Redis.Commands;

/// <summary>Runs one command; the arguments are in <see cref="RespSession.Args"/>.</summary>
public delegate void CommandHandler(RespSession session);

/// <summary>Command flags as COMMAND INFO lists them.</summary>
[Flags]
public enum CommandFlags : uint
{
    /// <summary>None.</summary>
    None = 0,
    /// <summary>May modify the keyspace ("write"): recorded by the write log, refused in read-only contexts.</summary>
    Write = 1 << 0,
    /// <summary>Only reads ("readonly").</summary>
    ReadOnly = 1 << 1,
    /// <summary>May grow memory ("denyoom").</summary>
    DenyOom = 1 << 2,
    /// <summary>Administrative ("admin").</summary>
    Admin = 1 << 3,
    /// <summary>Pub/Sub ("pubsub").</summary>
    PubSub = 1 << 4,
    /// <summary>"noscript".</summary>
    NoScript = 1 << 5,
    /// <summary>May block the client ("blocking").</summary>
    Blocking = 1 << 6,
    /// <summary>"loading".</summary>
    Loading = 1 << 7,
    /// <summary>"stale".</summary>
    Stale = 1 << 8,
    /// <summary>O(1) or O(log n) ("fast").</summary>
    Fast = 1 << 9,
    /// <summary>Allowed before AUTH ("no_auth").</summary>
    NoAuth = 1 << 10,
    /// <summary>Not queued inside MULTI ("no_multi"): MULTI, EXEC, DISCARD, WATCH... are handled by the session.</summary>
    NoMulti = 1 << 11,
    /// <summary>Allowed in RESP2 subscriber mode (SUBSCRIBE, PING, QUIT, RESET...).</summary>
    AllowedInPubSub = 1 << 12,
    /// <summary>"skip_monitor".</summary>
    SkipMonitor = 1 << 13,
    /// <summary>"may_replicate".</summary>
    MayReplicate = 1 << 14,
}

/// <summary>One command: name, arity (negative = at least), flags, key positions, handler.</summary>
public sealed class CommandDef
{
    internal CommandDef(RespCommand id, string name, int arity, CommandFlags flags, int firstKey, int lastKey, int step,
        CommandHandler handler, string group, string summary)
    {
        Id = id; Name = name; Arity = arity; Flags = flags; FirstKey = firstKey; LastKey = lastKey; Step = step;
        Handler = handler; Group = group; Summary = summary;
        UpperName = Encoding.ASCII.GetBytes(name.ToUpperInvariant());
    }

    /// <summary>The name in upper case ASCII, to match a client's command name without a table lookup.</summary>
    internal byte[] UpperName { get; }

    /// <summary>The command's id.</summary>
    public RespCommand Id { get; }
    /// <summary>Lower-case name ("get", "client|setname").</summary>
    public string Name { get; }
    /// <summary>Redis arity: exact argument count (name included) when positive, minimum when negative.</summary>
    public int Arity { get; }
    /// <summary>Flags.</summary>
    public CommandFlags Flags { get; }
    /// <summary>Position of the first key (0 = none).</summary>
    public int FirstKey { get; }
    /// <summary>Position of the last key (-1 = last argument, -2 = one before...).</summary>
    public int LastKey { get; }
    /// <summary>Step between keys.</summary>
    public int Step { get; }
    /// <summary>The handler.</summary>
    public CommandHandler Handler { get; }
    /// <summary>COMMAND DOCS group ("string", "generic", "list", ...).</summary>
    public string Group { get; }
    /// <summary>COMMAND DOCS summary.</summary>
    public string Summary { get; }
    /// <summary>Subcommands ("client|setname"), for COMMAND INFO/DOCS of a container command.</summary>
    public List<CommandDef> Subcommands { get; } = new();

    /// <summary>Calls, counted for INFO commandstats.</summary>
    public long Calls;

    /// <summary>True when <paramref name="argc"/> satisfies the arity.</summary>
    public bool ArityOk(int argc) => Arity >= 0 ? argc == Arity : argc >= -Arity;

    /// <summary>The key argument positions for <paramref name="argc"/> arguments.</summary>
    public IEnumerable<int> KeyPositions(int argc)
    {
        if (FirstKey <= 0) yield break;
        int last = LastKey < 0 ? argc + LastKey : LastKey;
        for (int i = FirstKey; i <= last && i < argc; i += Math.Max(Step, 1)) yield return i;
    }
}

/// <summary>
/// The command table: name (any case) to <see cref="CommandDef"/>.
/// <para>
/// <b>How a command family plugs in (no central edit):</b> each family is a <c>partial</c> file of
/// <see cref="RespSession"/> (for example <c>RespSession.Hashes.cs</c>) that implements one of the
/// registration hooks declared in <c>RespSession.cs</c> —
/// <c>static partial void RegisterHashCommands(CommandTable t)</c>,
/// <c>RegisterListCommands</c>, <c>RegisterSetCommands</c>, <c>RegisterSortedSetCommands</c> — and
/// calls <see cref="Add"/> once per command:
/// <code>t.Add(RespCommand.HSET, -4, CommandFlags.Write | CommandFlags.DenyOom | CommandFlags.Fast, 1, 1, 1, static s => s.HSet(), "hash", "Sets fields of a hash");</code>
/// The session checks arity (replying Redis's "wrong number of arguments" error) and AUTH before
/// calling the handler, queues the command inside MULTI, counts it, records writes for the log
/// and serves blocked clients afterwards. The handler reads <see cref="RespSession.Args"/>,
/// works on <see cref="RespSession.Db"/> (lock already held) and writes exactly one reply to
/// <see cref="RespSession.Writer"/>. A write handler adds to <see cref="RespSession.Dirty"/> for each change.
/// </para>
/// </summary>
public sealed class CommandTable
{
    private readonly Dictionary<string, CommandDef> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, CommandDef>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    /// <summary>An empty table.</summary>
    public CommandTable() => _lookup = _byName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>All top-level commands.</summary>
    public IEnumerable<CommandDef> All => _byName.Values;

    /// <summary>Number of top-level commands (COMMAND COUNT).</summary>
    public int Count => _byName.Count;

    /// <summary>Registers a command; the name is the enum's name in lower case ('_' becomes '_').</summary>
    public CommandDef Add(RespCommand id, int arity, CommandFlags flags, int firstKey, int lastKey, int step,
        CommandHandler handler, string group = "generic", string summary = "")
    {
        var def = new CommandDef(id, id.ToString().ToLowerInvariant(), arity, flags, firstKey, lastKey, step, handler, group, summary);
        _byName[def.Name] = def;
        return def;
    }

    /// <summary>Documents a subcommand of a container (for COMMAND INFO/DOCS and arity errors).</summary>
    public CommandDef AddSub(CommandDef parent, string sub, int arity, CommandFlags flags, string summary = "")
    {
        var def = new CommandDef(parent.Id, parent.Name + "|" + sub, arity, flags, 0, 0, 0, parent.Handler, parent.Group, summary);
        parent.Subcommands.Add(def);
        return def;
    }

    /// <summary>Looks a command up by its name bytes (any case); null when unknown.</summary>
    public CommandDef? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > 64) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return _lookup.TryGetValue(chars, out var def) ? def : null;
    }

    /// <summary>Looks a command up by name.</summary>
    public CommandDef? Find(string name) => _byName.TryGetValue(name, out var d) ? d : null;

    /// <summary>Flag names as COMMAND INFO prints them.</summary>
    public static IEnumerable<string> FlagNames(CommandFlags f)
    {
        if (f.HasFlag(CommandFlags.Write)) yield return "write";
        if (f.HasFlag(CommandFlags.ReadOnly)) yield return "readonly";
        if (f.HasFlag(CommandFlags.DenyOom)) yield return "denyoom";
        if (f.HasFlag(CommandFlags.Admin)) yield return "admin";
        if (f.HasFlag(CommandFlags.PubSub)) yield return "pubsub";
        if (f.HasFlag(CommandFlags.NoScript)) yield return "noscript";
        if (f.HasFlag(CommandFlags.Blocking)) yield return "blocking";
        if (f.HasFlag(CommandFlags.Loading)) yield return "loading";
        if (f.HasFlag(CommandFlags.Stale)) yield return "stale";
        if (f.HasFlag(CommandFlags.SkipMonitor)) yield return "skip_monitor";
        if (f.HasFlag(CommandFlags.Fast)) yield return "fast";
        if (f.HasFlag(CommandFlags.NoAuth)) yield return "no_auth";
        if (f.HasFlag(CommandFlags.MayReplicate)) yield return "may_replicate";
        if (f.HasFlag(CommandFlags.NoMulti)) yield return "no_multi";
    }

    internal static string Ascii(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);
}
