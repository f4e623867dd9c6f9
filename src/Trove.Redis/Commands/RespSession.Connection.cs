using System.Text;
using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>Connection commands: PING ECHO QUIT AUTH HELLO SELECT RESET CLIENT.</summary>
public sealed partial class RespSession
{
    private bool _authenticated;

    private static void RegisterConnectionCommands(CommandTable t)
    {
        const F C = F.Fast | F.Loading | F.Stale;
        t.Add(RespCommand.PING, -1, C | F.AllowedInPubSub, 0, 0, 0, static s => s.Ping(), "connection", "Returns the server's liveliness response.");
        t.Add(RespCommand.ECHO, 2, C, 0, 0, 0, static s => s.Writer.WriteBulk(s.Args[1]), "connection", "Returns the given string.");
        t.Add(RespCommand.QUIT, -1, C | F.NoAuth | F.AllowedInPubSub | F.NoMulti, 0, 0, 0, static s => { s.Writer.WriteOk(); s.Close(); }, "connection", "Closes the connection.");
        t.Add(RespCommand.AUTH, -2, C | F.NoAuth | F.NoScript, 0, 0, 0, static s => s.Auth(), "connection", "Authenticates the connection.");
        t.Add(RespCommand.HELLO, -1, C | F.NoAuth | F.NoScript, 0, 0, 0, static s => s.Hello(), "connection", "Handshakes with the Redis server.");
        t.Add(RespCommand.SELECT, 2, C, 0, 0, 0, static s => s.Select(), "connection", "Changes the selected database.");
        t.Add(RespCommand.RESET, 1, C | F.NoAuth | F.NoScript | F.AllowedInPubSub | F.NoMulti, 0, 0, 0, static s => s.ResetCmd(), "connection", "Resets the connection.");
        var c = t.Add(RespCommand.CLIENT, -2, F.Loading | F.Stale | F.NoScript, 0, 0, 0, static s => s.ClientCmd(), "connection", "A container for client connection commands.");
        t.AddSub(c, "id", 2, C | F.NoScript, "Returns the unique client ID of the connection.");
        t.AddSub(c, "info", 2, C | F.NoScript, "Returns information about the connection.");
        t.AddSub(c, "list", -2, F.Admin | F.NoScript | F.Loading | F.Stale, "Lists open connections.");
        t.AddSub(c, "kill", -3, F.Admin | F.NoScript | F.Loading | F.Stale, "Terminates open connections.");
        t.AddSub(c, "getname", 2, C | F.NoScript, "Returns the name of the connection.");
        t.AddSub(c, "setname", 3, C | F.NoScript, "Sets the connection name.");
        t.AddSub(c, "help", 2, F.Loading | F.Stale, "Returns helpful text about the different subcommands.");
    }

    private void Ping()
    {
        if (Args.Count > 2) { WriteArityError("ping"); return; }
        if (IsSubscriberResp2)
        {
            Writer.WriteArrayHeader(2);
            Writer.WriteBulk("pong"u8);
            Writer.WriteBulk(Args.Count == 2 ? Args[1] : default);
            return;
        }
        if (Args.Count == 2) Writer.WriteBulk(Args[1]);
        else Writer.WriteRaw("+PONG\r\n"u8);
    }

    private bool CheckPassword(ReadOnlySpan<byte> user, ReadOnlySpan<byte> pass)
    {
        var required = Server.Config.RequirePass;
        bool ok = required is not null && Resp.ParseState.EqualsUpper(user, "DEFAULT"u8) && pass.SequenceEqual(Encoding.UTF8.GetBytes(required));
        if (ok) { _authenticated = true; _parser.Authenticated = true; }
        return ok;
    }

    private void Auth()
    {
        if (Args.Count > 3) { WriteSyntaxError(); return; }
        if (Server.Config.RequirePass is null && Args.Count == 2)
        {
            Writer.WriteError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?");
            return;
        }
        bool ok = Args.Count == 2 ? CheckPassword("default"u8, Args[1]) : CheckPassword(Args[1], Args[2]);
        if (!ok && Server.Config.RequirePass is null && Args.Count == 3 && Args.Is(1, "DEFAULT"u8)) ok = true;
        if (ok) Writer.WriteOk();
        else Writer.WriteError("WRONGPASS invalid username-password pair or user is disabled.");
    }

    private void Hello()
    {
        int proto = Writer.Protocol;
        int i = 1;
        if (Args.Count > 1)
        {
            if (!Args.TryGetLong(1, out long ver)) { Writer.WriteError("ERR Protocol version is not an integer or out of range"); return; }
            if (ver is < 2 or > 3) { Writer.WriteError("NOPROTO unsupported protocol version"); return; }
            proto = (int)ver;
            i = 2;
        }
        string? name = null;
        for (; i < Args.Count; i++)
        {
            int more = Args.Count - i - 1;
            if (Args.Is(i, "AUTH"u8) && more >= 2)
            {
                if (!CheckPassword(Args[i + 1], Args[i + 2]) && !(Server.Config.RequirePass is null && Args.Is(i + 1, "DEFAULT"u8)))
                {
                    Writer.WriteError("WRONGPASS invalid username-password pair or user is disabled.");
                    return;
                }
                i += 2;
            }
            else if (Args.Is(i, "SETNAME"u8) && more >= 1)
            {
                name = Args.GetString(++i);
                if (!ValidClientName(name)) { Writer.WriteError("ERR Client names cannot contain spaces, newlines or special characters."); return; }
            }
            else { Writer.WriteError($"ERR Syntax error in HELLO option '{Args.GetString(i)}'"); return; }
        }
        if (!_authenticated)
        {
            Writer.WriteError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
            return;
        }
        if (name is not null) Name = name.Length == 0 ? null : name;
        Writer.Protocol = proto;
        Writer.WriteMapHeader(7);
        Writer.WriteBulk("server"u8); Writer.WriteBulk("redis"u8);
        Writer.WriteBulk("version"u8); Writer.WriteBulk(Trove.Redis.Server.RedisServer.Version);
        Writer.WriteBulk("proto"u8); Writer.WriteInteger(proto);
        Writer.WriteBulk("id"u8); Writer.WriteInteger(Id);
        Writer.WriteBulk("mode"u8); Writer.WriteBulk("standalone"u8);
        Writer.WriteBulk("role"u8); Writer.WriteBulk("master"u8);
        Writer.WriteBulk("modules"u8); Writer.WriteArrayHeader(0);
    }

    private static bool ValidClientName(string name)
    {
        foreach (char ch in name) if (ch < '!' || ch > '~') return false;
        return true;
    }

    private void Select()
    {
        if (!Args.TryGetLong(1, out long idx)) { WriteNotInteger(); return; }
        if (idx < 0 || idx >= Keyspace.DatabaseCount) { Writer.WriteError(Errors.DbIndexOutOfRange); return; }
        SelectDb((int)idx);
        Writer.WriteOk();
    }

    private void ResetCmd()
    {
        _multi = null;
        UnwatchAll();
        Server.PubSub.UnsubscribeAll(this);
        SelectDb(0);
        Writer.Protocol = 2;
        Name = null;
        if (Server.Config.RequirePass is not null) { _authenticated = false; _parser.Authenticated = false; }
        Writer.WriteRaw("+RESET\r\n"u8);
    }

    /// <summary>One CLIENT LIST line (no trailing newline).</summary>
    public string DescribeClient()
    {
        var (ch, pat) = Server.PubSub.CountsOf(this);
        long now = Environment.TickCount64;
        long idle = _connection is null ? 0 : (now - _connection.LastActivityTicks) / 1000;
        string flags = (_multi is not null ? "x" : "") + (ch + pat > 0 ? "P" : "") + (_blocked is not null ? "b" : "");
        if (flags.Length == 0) flags = "N";
        return $"id={Id} addr={_connection?.RemoteEndPoint?.ToString() ?? "?:0"} laddr={_connection?.LocalEndPoint?.ToString() ?? "?:0"} fd=8 name={Name} " +
               $"age={(now - CreatedTicks) / 1000} idle={idle} flags={flags} db={Db.Index} sub={ch} psub={pat} ssub=0 " +
               $"multi={(_multi is null ? -1 : _multi.Count)} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 " +
               $"omem={PendingPushBytes} tot-mem={PendingPushBytes + 20000} events=r cmd={LastCommand} user=default redir=-1 resp={Writer.Protocol}";
    }

    private void ClientCmd()
    {
        string sub = Args.GetString(1).ToLowerInvariant();
        switch (sub)
        {
            case "id" when Args.Count == 2:
                Writer.WriteInteger(Id);
                return;
            case "getname" when Args.Count == 2:
                if (Name is null) Writer.WriteNull(); else Writer.WriteBulk(Name);
                return;
            case "setname" when Args.Count == 3:
            {
                var name = Args.GetString(2);
                if (!ValidClientName(name)) { Writer.WriteError("ERR Client names cannot contain spaces, newlines or special characters."); return; }
                Name = name.Length == 0 ? null : name;
                Writer.WriteOk();
                return;
            }
            case "info" when Args.Count == 2:
                Writer.WriteVerbatim(DescribeClient() + "\n");
                return;
            case "list":
                ClientList();
                return;
            case "kill" when Args.Count >= 3:
                ClientKill();
                return;
            case "setinfo" when Args.Count == 4:
            case "no-evict" when Args.Count == 3:
            case "no-touch" when Args.Count == 3:
                Writer.WriteOk();
                return;
            case "help" when Args.Count == 2:
                string[] help =
                [
                    "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                    "GETNAME", "    Return the name of the current connection.",
                    "ID", "    Return the ID of the current connection.",
                    "INFO", "    Return information about the current client connection.",
                    "KILL <ip:port>", "    Kill connection made from <ip:port>.",
                    "KILL <option> <value> [<option> <value> [...]]", "    Kill connections. Options are: ID, ADDR, LADDR, SKIPME.",
                    "LIST [options ...]", "    Return information about client connections.",
                    "SETNAME <name>", "    Assign the name <name> to the current connection.",
                    "HELP", "    Prints this help.",
                ];
                Writer.WriteArrayHeader(help.Length);
                foreach (var h in help) Writer.WriteSimple(h);
                return;
            case "id" or "getname" or "setname" or "info" or "kill" or "help":
                WriteArityError("client|" + sub);
                return;
            default:
                Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try CLIENT HELP.");
                return;
        }
    }

    private void ClientList()
    {
        IEnumerable<RespSession> sessions = Server.Sessions;
        if (Args.Count >= 4 && Args.Is(2, "ID"u8))
        {
            var ids = new HashSet<long>();
            for (int i = 3; i < Args.Count; i++)
            {
                if (!Args.TryGetLong(i, out long id) || id <= 0) { Writer.WriteError("ERR Invalid client ID"); return; }
                ids.Add(id);
            }
            sessions = sessions.Where(s => ids.Contains(s.Id));
        }
        else if (Args.Count == 4 && Args.Is(2, "TYPE"u8))
        {
            if (!Args.Is(3, "NORMAL"u8) && !Args.Is(3, "PUBSUB"u8) && !Args.Is(3, "MASTER"u8) && !Args.Is(3, "REPLICA"u8) && !Args.Is(3, "SLAVE"u8))
            {
                Writer.WriteError($"ERR Unknown client type '{Args.GetString(3)}'");
                return;
            }
            bool pubsub = Args.Is(3, "PUBSUB"u8), normal = Args.Is(3, "NORMAL"u8);
            sessions = sessions.Where(s =>
            {
                var (c, p) = Server.PubSub.CountsOf(s);
                bool isPub = c + p > 0;
                return (pubsub && isPub) || (normal && !isPub);
            });
        }
        else if (Args.Count != 2) { WriteSyntaxError(); return; }
        var sb = new StringBuilder();
        foreach (var s in sessions) sb.Append(s.DescribeClient()).Append('\n');
        Writer.WriteVerbatim(sb.ToString());
    }

    private void ClientKill()
    {
        if (Args.Count == 3)
        {
            var addr = Args.GetString(2);
            var target = Server.Sessions.FirstOrDefault(s => s._connection?.RemoteEndPoint?.ToString() == addr);
            if (target is null) { Writer.WriteError("ERR No such client"); return; }
            Writer.WriteOk();
            KillLater(target);
            return;
        }
        if ((Args.Count - 2) % 2 != 0) { WriteSyntaxError(); return; }
        long? id = null;
        string? addrF = null, laddrF = null;
        bool skipMe = true;
        for (int i = 2; i < Args.Count; i += 2)
        {
            if (Args.Is(i, "ID"u8))
            {
                if (!Args.TryGetLong(i + 1, out long v) || v <= 0) { Writer.WriteError("ERR client-id should be greater than 0"); return; }
                id = v;
            }
            else if (Args.Is(i, "ADDR"u8)) addrF = Args.GetString(i + 1);
            else if (Args.Is(i, "LADDR"u8)) laddrF = Args.GetString(i + 1);
            else if (Args.Is(i, "SKIPME"u8))
            {
                if (Args.Is(i + 1, "YES"u8)) skipMe = true;
                else if (Args.Is(i + 1, "NO"u8)) skipMe = false;
                else { WriteSyntaxError(); return; }
            }
            else if (Args.Is(i, "USER"u8) || Args.Is(i, "TYPE"u8) || Args.Is(i, "MAXAGE"u8)) { }
            else { WriteSyntaxError(); return; }
        }
        int killed = 0;
        foreach (var s in Server.Sessions.ToList())
        {
            if (id is { } want && s.Id != want) continue;
            if (addrF is not null && s._connection?.RemoteEndPoint?.ToString() != addrF) continue;
            if (laddrF is not null && s._connection?.LocalEndPoint?.ToString() != laddrF) continue;
            if (skipMe && s == this) continue;
            killed++;
            KillLater(s);
        }
        Writer.WriteInteger(killed);
    }

    private void KillLater(RespSession target)
    {
        // The reply to this command must be sent before our own connection goes away.
        if (target == this) Close();
        else target.Kill("killed by CLIENT KILL");
    }
}
