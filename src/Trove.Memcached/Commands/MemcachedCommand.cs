namespace Trove.Memcached.Commands;

/// <summary>Every command of the text and meta protocols. Names match the wire spelling.</summary>
internal enum MemcachedCommand : byte
{
    Unknown,
    Get, Gets, Gat, Gats,
    Set, Add, Replace, Append, Prepend, Cas,
    Incr, Decr, Delete, Touch,
    FlushAll, Version, Verbosity, Quit, Stats,
    MetaGet, MetaSet, MetaDelete, MetaArithmetic, MetaNoop, MetaDebug,
}

internal static class CommandTable
{
    /// <summary>
    /// The command named by the first token. Branches on length and first byte before comparing,
    /// as memcached's process_command_ascii does; commands are case-sensitive.
    /// </summary>
    public static MemcachedCommand Lookup(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 2 when name[0] == (byte)'m':
                return name[1] switch
                {
                    (byte)'g' => MemcachedCommand.MetaGet,
                    (byte)'s' => MemcachedCommand.MetaSet,
                    (byte)'d' => MemcachedCommand.MetaDelete,
                    (byte)'a' => MemcachedCommand.MetaArithmetic,
                    (byte)'n' => MemcachedCommand.MetaNoop,
                    (byte)'e' => MemcachedCommand.MetaDebug,
                    _ => MemcachedCommand.Unknown,
                };
            case 3:
                if (name.SequenceEqual("get"u8)) return MemcachedCommand.Get;
                if (name.SequenceEqual("set"u8)) return MemcachedCommand.Set;
                if (name.SequenceEqual("add"u8)) return MemcachedCommand.Add;
                if (name.SequenceEqual("cas"u8)) return MemcachedCommand.Cas;
                if (name.SequenceEqual("gat"u8)) return MemcachedCommand.Gat;
                return MemcachedCommand.Unknown;
            case 4:
                if (name.SequenceEqual("gets"u8)) return MemcachedCommand.Gets;
                if (name.SequenceEqual("incr"u8)) return MemcachedCommand.Incr;
                if (name.SequenceEqual("decr"u8)) return MemcachedCommand.Decr;
                if (name.SequenceEqual("gats"u8)) return MemcachedCommand.Gats;
                if (name.SequenceEqual("quit"u8)) return MemcachedCommand.Quit;
                return MemcachedCommand.Unknown;
            case 5:
                if (name.SequenceEqual("touch"u8)) return MemcachedCommand.Touch;
                if (name.SequenceEqual("stats"u8)) return MemcachedCommand.Stats;
                return MemcachedCommand.Unknown;
            case 6:
                if (name.SequenceEqual("delete"u8)) return MemcachedCommand.Delete;
                if (name.SequenceEqual("append"u8)) return MemcachedCommand.Append;
                return MemcachedCommand.Unknown;
            case 7:
                if (name.SequenceEqual("replace"u8)) return MemcachedCommand.Replace;
                if (name.SequenceEqual("prepend"u8)) return MemcachedCommand.Prepend;
                if (name.SequenceEqual("version"u8)) return MemcachedCommand.Version;
                return MemcachedCommand.Unknown;
            case 9:
                return name.SequenceEqual("flush_all"u8) ? MemcachedCommand.FlushAll
                    : name.SequenceEqual("verbosity"u8) ? MemcachedCommand.Verbosity : MemcachedCommand.Unknown;
            default:
                return MemcachedCommand.Unknown;
        }
    }
}
