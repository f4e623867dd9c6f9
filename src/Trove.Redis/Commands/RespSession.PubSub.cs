using F = Trove.Redis.Commands.CommandFlags;

namespace Trove.Redis.Commands;

/// <summary>SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB (pubsub.c).</summary>
public sealed partial class RespSession
{
    private static void RegisterPubSubCommands(CommandTable t)
    {
        const F P = F.PubSub | F.NoScript | F.Loading | F.Stale | F.AllowedInPubSub;
        t.Add(RespCommand.SUBSCRIBE, -2, P, 0, 0, 0, static s => s.SubscribeCmd(false), "pubsub", "Listens for messages published to channels.");
        t.Add(RespCommand.UNSUBSCRIBE, -1, P, 0, 0, 0, static s => s.UnsubscribeCmd(false), "pubsub", "Stops listening to messages posted to channels.");
        t.Add(RespCommand.PSUBSCRIBE, -2, P, 0, 0, 0, static s => s.SubscribeCmd(true), "pubsub", "Listens for messages published to channels that match one or more patterns.");
        t.Add(RespCommand.PUNSUBSCRIBE, -1, P, 0, 0, 0, static s => s.UnsubscribeCmd(true), "pubsub", "Stops listening to messages published to channels that match one or more patterns.");
        t.Add(RespCommand.PUBLISH, 3, F.PubSub | F.Loading | F.Stale | F.Fast | F.MayReplicate, 0, 0, 0, static s => s.Writer.WriteInteger(s.Server.PubSub.Publish(s.Args.ToArray(1), s.Args[2])), "pubsub", "Posts a message to a channel.");
        var ps = t.Add(RespCommand.PUBSUB, -2, F.PubSub | F.Loading | F.Stale, 0, 0, 0, static s => s.PubSubCmd(), "pubsub", "A container for Pub/Sub commands.");
        t.AddSub(ps, "channels", -2, F.PubSub | F.Loading | F.Stale, "Returns the active channels.");
        t.AddSub(ps, "numsub", -2, F.PubSub | F.Loading | F.Stale, "Returns a count of subscribers to channels.");
        t.AddSub(ps, "numpat", 2, F.PubSub | F.Loading | F.Stale, "Returns a count of unique pattern subscriptions.");
        t.AddSub(ps, "help", 2, F.Loading | F.Stale, "Returns helpful text about the different subcommands.");
    }

    /// <summary>RESP2 clients with subscriptions may only run (un)subscribe commands, PING, QUIT and RESET.</summary>
    private bool IsSubscriberResp2
    {
        get
        {
            if (Writer.Resp3) return false;
            var (c, p) = Server.PubSub.CountsOf(this);
            return c + p > 0;
        }
    }

    private void SubscribeCmd(bool pattern)
    {
        for (int i = 1; i < Args.Count; i++)
        {
            var ch = Args.ToArray(i);
            int count = Server.PubSub.Subscribe(this, ch, pattern);
            Writer.WritePushHeader(3);
            Writer.WriteBulk(pattern ? "psubscribe"u8 : "subscribe"u8);
            Writer.WriteBulk(ch);
            Writer.WriteInteger(count);
        }
    }

    private void UnsubscribeCmd(bool pattern)
    {
        var kind = pattern ? "punsubscribe"u8 : "unsubscribe"u8;
        List<byte[]> targets;
        if (Args.Count == 1)
        {
            targets = Server.PubSub.SubscriptionsOf(this, pattern);
            if (targets.Count == 0)
            {
                var (c, p) = Server.PubSub.CountsOf(this);
                Writer.WritePushHeader(3);
                Writer.WriteBulk(kind);
                Writer.WriteNull();
                Writer.WriteInteger(c + p);
                return;
            }
        }
        else
        {
            targets = new List<byte[]>();
            for (int i = 1; i < Args.Count; i++) targets.Add(Args.ToArray(i));
        }
        foreach (var ch in targets)
        {
            int count = Server.PubSub.Unsubscribe(this, ch, pattern);
            Writer.WritePushHeader(3);
            Writer.WriteBulk(kind);
            Writer.WriteBulk(ch);
            Writer.WriteInteger(count);
        }
    }

    private void PubSubCmd()
    {
        if (Args.Is(1, "CHANNELS"u8))
        {
            if (Args.Count > 3) { WriteArityError("pubsub|channels"); return; }
            var list = Server.PubSub.Channels(Args.Count == 3 ? Args[2] : default);
            Writer.WriteArrayHeader(list.Count);
            foreach (var c in list) Writer.WriteBulk(c);
        }
        else if (Args.Is(1, "NUMSUB"u8))
        {
            Writer.WriteMapHeader(Args.Count - 2);
            for (int i = 2; i < Args.Count; i++)
            {
                Writer.WriteBulk(Args[i]);
                Writer.WriteInteger(Server.PubSub.NumSub(Args.ToArray(i)));
            }
        }
        else if (Args.Is(1, "NUMPAT"u8))
        {
            if (Args.Count != 2) { WriteArityError("pubsub|numpat"); return; }
            Writer.WriteInteger(Server.PubSub.PatternCount);
        }
        else if (Args.Is(1, "HELP"u8))
        {
            string[] help =
            [
                "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                "CHANNELS [<pattern>]", "    Return the currently active channels matching a <pattern> (default: '*').",
                "NUMPAT", "    Return number of subscriptions to patterns.",
                "NUMSUB [<channel> ...]", "    Return the number of subscribers for the specified channels, excluding",
                "    pattern subscriptions(default: no channels).",
                "HELP", "    Prints this help.",
            ];
            Writer.WriteArrayHeader(help.Length);
            foreach (var h in help) Writer.WriteSimple(h);
        }
        else Writer.WriteError($"ERR unknown subcommand '{Args.GetString(1)}'. Try PUBSUB HELP.");
    }
}
