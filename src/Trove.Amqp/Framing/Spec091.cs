namespace Trove.Amqp.Framing;

/// <summary>
/// The AMQP 0-9-1 method table (RabbitMQ's variant of the specification: classes connection,
/// channel, exchange, queue, basic, confirm, tx, with RabbitMQ's extensions connection.blocked,
/// connection.update-secret, exchange.bind/unbind, basic.nack, confirm.select). One line per
/// method: class id, method id, name, "content" if content follows, then the fields in wire order.
/// <see cref="MethodCodec"/> decodes and encodes every method from this table, so adding a method
/// is one line here plus its <see cref="AmqpMethod"/> member.
/// </summary>
internal static class Spec091
{
    public const string Table = """
        10 10 connection.start           | octet version-major, octet version-minor, table server-properties, longstr mechanisms, longstr locales
        10 11 connection.start-ok        | table client-properties, shortstr mechanism, longstr response, shortstr locale
        10 20 connection.secure          | longstr challenge
        10 21 connection.secure-ok       | longstr response
        10 30 connection.tune            | short channel-max, long frame-max, short heartbeat
        10 31 connection.tune-ok         | short channel-max, long frame-max, short heartbeat
        10 40 connection.open            | shortstr virtual-host, shortstr reserved-1, bit reserved-2
        10 41 connection.open-ok         | shortstr reserved-1
        10 50 connection.close           | short reply-code, shortstr reply-text, short class-id, short method-id
        10 51 connection.close-ok        |
        10 60 connection.blocked         | shortstr reason
        10 61 connection.unblocked       |
        10 70 connection.update-secret   | longstr new-secret, shortstr reason
        10 71 connection.update-secret-ok |
        20 10 channel.open               | shortstr reserved-1
        20 11 channel.open-ok            | longstr reserved-1
        20 20 channel.flow               | bit active
        20 21 channel.flow-ok            | bit active
        20 40 channel.close              | short reply-code, shortstr reply-text, short class-id, short method-id
        20 41 channel.close-ok           |
        40 10 exchange.declare           | short reserved-1, shortstr exchange, shortstr type, bit passive, bit durable, bit auto-delete, bit internal, bit no-wait, table arguments
        40 11 exchange.declare-ok        |
        40 20 exchange.delete            | short reserved-1, shortstr exchange, bit if-unused, bit no-wait
        40 21 exchange.delete-ok         |
        40 30 exchange.bind              | short reserved-1, shortstr destination, shortstr source, shortstr routing-key, bit no-wait, table arguments
        40 31 exchange.bind-ok           |
        40 40 exchange.unbind            | short reserved-1, shortstr destination, shortstr source, shortstr routing-key, bit no-wait, table arguments
        40 51 exchange.unbind-ok         |
        50 10 queue.declare              | short reserved-1, shortstr queue, bit passive, bit durable, bit exclusive, bit auto-delete, bit no-wait, table arguments
        50 11 queue.declare-ok           | shortstr queue, long message-count, long consumer-count
        50 20 queue.bind                 | short reserved-1, shortstr queue, shortstr exchange, shortstr routing-key, bit no-wait, table arguments
        50 21 queue.bind-ok              |
        50 30 queue.purge                | short reserved-1, shortstr queue, bit no-wait
        50 31 queue.purge-ok             | long message-count
        50 40 queue.delete               | short reserved-1, shortstr queue, bit if-unused, bit if-empty, bit no-wait
        50 41 queue.delete-ok            | long message-count
        50 50 queue.unbind               | short reserved-1, shortstr queue, shortstr exchange, shortstr routing-key, table arguments
        50 51 queue.unbind-ok            |
        60 10 basic.qos                  | long prefetch-size, short prefetch-count, bit global
        60 11 basic.qos-ok               |
        60 20 basic.consume              | short reserved-1, shortstr queue, shortstr consumer-tag, bit no-local, bit no-ack, bit exclusive, bit no-wait, table arguments
        60 21 basic.consume-ok           | shortstr consumer-tag
        60 30 basic.cancel               | shortstr consumer-tag, bit no-wait
        60 31 basic.cancel-ok            | shortstr consumer-tag
        60 40 basic.publish content      | short reserved-1, shortstr exchange, shortstr routing-key, bit mandatory, bit immediate
        60 50 basic.return content       | short reply-code, shortstr reply-text, shortstr exchange, shortstr routing-key
        60 60 basic.deliver content      | shortstr consumer-tag, longlong delivery-tag, bit redelivered, shortstr exchange, shortstr routing-key
        60 70 basic.get                  | short reserved-1, shortstr queue, bit no-ack
        60 71 basic.get-ok content       | longlong delivery-tag, bit redelivered, shortstr exchange, shortstr routing-key, long message-count
        60 72 basic.get-empty            | shortstr reserved-1
        60 80 basic.ack                  | longlong delivery-tag, bit multiple
        60 90 basic.reject               | longlong delivery-tag, bit requeue
        60 100 basic.recover-async       | bit requeue
        60 110 basic.recover             | bit requeue
        60 111 basic.recover-ok          |
        60 120 basic.nack                | longlong delivery-tag, bit multiple, bit requeue
        85 10 confirm.select             | bit nowait
        85 11 confirm.select-ok          |
        90 10 tx.select                  |
        90 11 tx.select-ok               |
        90 20 tx.commit                  |
        90 21 tx.commit-ok               |
        90 30 tx.rollback                |
        90 31 tx.rollback-ok             |
        """;

    /// <summary>Content-header properties of class basic, in flag order (bit 15 first).</summary>
    public const string BasicProperties = "shortstr content-type, shortstr content-encoding, table headers, octet delivery-mode, "
        + "octet priority, shortstr correlation-id, shortstr reply-to, shortstr expiration, shortstr message-id, "
        + "timestamp timestamp, shortstr type, shortstr user-id, shortstr app-id, shortstr cluster-id";
}
