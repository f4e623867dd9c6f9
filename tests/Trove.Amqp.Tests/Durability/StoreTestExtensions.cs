using Trove.Amqp.Storage;

namespace Trove.Amqp.Tests.Durability;

/// <summary>Shorthands over <see cref="MessageStore"/> for the unit tests.</summary>
internal static class StoreTestExtensions
{
    /// <summary>Appends and waits until durable; returns the id.</summary>
    public static async Task<long> AppendAsync(this MessageStore s, string vhost, string queue, byte[] props, byte[] body)
    {
        var w = s.Append(vhost, queue, "ex", "rk", props, body);
        await w.Durable.WaitAsync(TimeSpan.FromSeconds(30));
        return w.Id;
    }

    public static List<Trove.Amqp.Broker.StoredMessage> RecoverList(this MessageStore s, string vhost, string queue)
        => s.Recover(vhost, queue).ToList();

    public static byte[] ReadBody(this MessageStore s, long id) => s.Read(id).Body;
}
