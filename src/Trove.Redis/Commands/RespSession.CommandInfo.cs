using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>COMMAND, COMMAND COUNT/INFO/DOCS/LIST/GETKEYS: the table described to clients (redis-cli hints).</summary>
public sealed partial class RespSession
{
    private static void RegisterCommandCommand(CommandTable t)
    {
        var c = t.Add(RespCommand.COMMAND, -1, F.Loading | F.Stale, 0, 0, 0, static s => s.CommandCmd(), "server", "Returns detailed information about all commands.");
        t.AddSub(c, "count", 2, F.Loading | F.Stale, "Returns a count of commands.");
        t.AddSub(c, "info", -2, F.Loading | F.Stale, "Returns information about one, multiple or all commands.");
        t.AddSub(c, "docs", -2, F.Loading | F.Stale, "Returns documentary information about one, multiple or all commands.");
        t.AddSub(c, "list", -2, F.Loading | F.Stale, "Returns a list of command names.");
        t.AddSub(c, "getkeys", -4, F.Loading | F.Stale, "Extracts the key names from an arbitrary command.");
    }

    private void CommandCmd()
    {
        if (Args.Count == 1) { WriteCommandInfos(Commands.All.ToList()); return; }
        if (Args.Is(1, "COUNT"u8) && Args.Count == 2) { Writer.WriteInteger(Commands.Count); return; }
        if (Args.Is(1, "INFO"u8))
        {
            if (Args.Count == 2) { WriteCommandInfos(Commands.All.ToList()); return; }
            Writer.WriteArrayHeader(Args.Count - 2);
            for (int i = 2; i < Args.Count; i++)
            {
                var def = FindWithSub(Args.GetString(i));
                if (def is null) Writer.WriteNullArray(); else WriteCommandInfo(def);
            }
            return;
        }
        if (Args.Is(1, "DOCS"u8))
        {
            if (Args.Count == 2)
            {
                // Trove's docs carry summaries, not the argument trees redis-cli renders as hints.
                // redis-cli asks for every command's docs at start-up and, on an error, falls back
                // to its own built-in 7.0 help table, which has the full hints; so the all-commands
                // form answers with an error on purpose. Named commands get their docs.
                Writer.WriteError("ERR COMMAND DOCS needs command names on Trove; clients fall back to built-in help");
                return;
            }
            var defs = new List<CommandDef>();
            for (int i = 2; i < Args.Count; i++) if (FindWithSub(Args.GetString(i)) is { } d) defs.Add(d);
            Writer.WriteMapHeader(defs.Count);
            foreach (var d in defs)
            {
                Writer.WriteBulk(d.Name);
                WriteDocs(d);
            }
            return;
        }
        if (Args.Is(1, "LIST"u8))
        {
            var names = Commands.All.Select(d => d.Name).ToList();
            Writer.WriteArrayHeader(names.Count);
            foreach (var n in names) Writer.WriteBulk(n);
            return;
        }
        if (Args.Is(1, "GETKEYS"u8) && Args.Count >= 4)
        {
            var def = Commands.Find(Args[2]);
            if (def is null) { Writer.WriteError("ERR Invalid command specified"); return; }
            if (!def.ArityOk(Args.Count - 2)) { Writer.WriteError("ERR Invalid number of arguments specified for command"); return; }
            var keys = def.KeyPositions(Args.Count - 2).ToList();
            if (keys.Count == 0) { Writer.WriteError("ERR The command has no key arguments"); return; }
            Writer.WriteArrayHeader(keys.Count);
            foreach (var k in keys) Writer.WriteBulk(Args[k + 2]);
            return;
        }
        if (Args.Is(1, "COUNT"u8) || Args.Is(1, "GETKEYS"u8)) { WriteArityError("command|" + Args.GetString(1).ToLowerInvariant()); return; }
        Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try COMMAND HELP.");
    }

    private static CommandDef? FindWithSub(string name)
    {
        int bar = name.IndexOf('|');
        if (bar < 0) return Commands.Find(name);
        var parent = Commands.Find(name[..bar]);
        return parent?.Subcommands.FirstOrDefault(s => s.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
    }

    private void WriteCommandInfos(List<CommandDef> defs)
    {
        Writer.WriteArrayHeader(defs.Count);
        foreach (var d in defs) WriteCommandInfo(d);
    }

    private void WriteCommandInfo(CommandDef d)
    {
        Writer.WriteArrayHeader(10);
        Writer.WriteBulk(d.Name);
        Writer.WriteInteger(d.Arity);
        var flags = CommandTable.FlagNames(d.Flags & ~(F.NoMulti | F.AllowedInPubSub)).ToList();
        Writer.WriteSetHeader(flags.Count);
        foreach (var f in flags) Writer.WriteSimple(f);
        Writer.WriteInteger(d.FirstKey);
        Writer.WriteInteger(d.LastKey);
        Writer.WriteInteger(d.Step);
        Writer.WriteSetHeader(1);
        Writer.WriteSimple("@" + d.Group);
        Writer.WriteSetHeader(0);
        // Key specs: one range spec per command with keys, as Redis describes simple commands.
        if (d.FirstKey > 0)
        {
            Writer.WriteArrayHeader(1);
            Writer.WriteMapHeader(3);
            Writer.WriteBulk("flags"u8);
            Writer.WriteSetHeader(1);
            Writer.WriteSimple((d.Flags & F.Write) != 0 ? "RW" : "RO");
            Writer.WriteBulk("begin_search"u8);
            Writer.WriteMapHeader(2);
            Writer.WriteBulk("type"u8); Writer.WriteBulk("index"u8);
            Writer.WriteBulk("spec"u8); Writer.WriteMapHeader(1); Writer.WriteBulk("index"u8); Writer.WriteInteger(d.FirstKey);
            Writer.WriteBulk("find_keys"u8);
            Writer.WriteMapHeader(2);
            Writer.WriteBulk("type"u8); Writer.WriteBulk("range"u8);
            Writer.WriteBulk("spec"u8); Writer.WriteMapHeader(3);
            Writer.WriteBulk("lastkey"u8); Writer.WriteInteger(d.LastKey < 0 ? d.LastKey : d.LastKey - d.FirstKey);
            Writer.WriteBulk("keystep"u8); Writer.WriteInteger(d.Step);
            Writer.WriteBulk("limit"u8); Writer.WriteInteger(0);
        }
        else Writer.WriteArrayHeader(0);
        Writer.WriteArrayHeader(d.Subcommands.Count);
        foreach (var s in d.Subcommands) WriteCommandInfo(s);
    }

    private void WriteDocs(CommandDef d)
    {
        bool subs = d.Subcommands.Count > 0;
        Writer.WriteMapHeader(subs ? 4 : 3);
        Writer.WriteBulk("summary"u8); Writer.WriteBulk(d.Summary);
        Writer.WriteBulk("since"u8); Writer.WriteBulk("1.0.0"u8);
        Writer.WriteBulk("group"u8); Writer.WriteBulk(d.Group);
        if (subs)
        {
            Writer.WriteBulk("subcommands"u8);
            Writer.WriteMapHeader(d.Subcommands.Count);
            foreach (var s in d.Subcommands) { Writer.WriteBulk(s.Name); WriteDocs(s); }
        }
    }
}
