using Trove.Amqp.Framing;

namespace Trove.Amqp.Connection;

/// <summary>
/// Publisher confirms and transactions. Confirms: every publish gets the next sequence number; one
/// whose persistent copies are still being written stays in <see cref="_outstanding"/> until the
/// store's group commit completes. After each read batch (and after each commit) the channel sends
/// one basic.ack with multiple=true for everything below the oldest outstanding publish.
/// </summary>
internal sealed partial class Channel
{
    private readonly Lock _confirmLock = new();
    private readonly SortedSet<ulong> _outstanding = new();
    private bool _confirm;
    private ulong _publishSeq;
    private ulong _lastConfirmed;
    private bool _tx;
    private readonly List<(string Exchange, string RoutingKey, bool Mandatory, byte[] Properties, byte[] Body)> _txPublishes = new();
    private readonly List<(long Tag, bool Multiple, SettleKind Kind, bool Requeue)> _txSettles = new();

    private void ConfirmSelect(MethodArgs a)
    {
        if (_tx) AmqpException.Channel(ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - cannot switch from tx to confirm mode");
        _confirm = true;
        if (!a.Bit(0)) Send(AmqpMethod.ConfirmSelectOk);
    }

    /// <summary>Sends basic.ack (multiple) up to the oldest publish not yet durable.</summary>
    public void FlushConfirms()
    {
        lock (_confirmLock)
        {
            if (_released || _closing) return;
            ulong target = _outstanding.Count == 0 ? _publishSeq : _outstanding.Min - 1;
            if (target <= _lastConfirmed) return;
            bool multiple = target - _lastConfirmed > 1;
            _lastConfirmed = target;
            Send(AmqpMethod.BasicAck, target, multiple);
        }
    }

    /// <summary>
    /// Nacks one publish at once. A later multiple ack may cover its tag again; the client has
    /// already settled it by then, so that is harmless.
    /// </summary>
    private void Nack(ulong seq)
    {
        lock (_confirmLock)
        {
            if (_released || _closing) return;
            Send(AmqpMethod.BasicNack, seq, false, false);
        }
    }

    private void DurableDone(ulong seq, bool ok)
    {
        if (!ok) Nack(seq);
        lock (_confirmLock) _outstanding.Remove(seq);
        FlushConfirms();
    }

    private void TxSelect()
    {
        if (_confirm) AmqpException.Channel(ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - cannot switch from confirm to tx mode");
        _tx = true;
        Send(AmqpMethod.TxSelectOk);
    }

    private void TxCommit()
    {
        if (!_tx) AmqpException.Channel(ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - channel is not transactional");
        var publishes = _txPublishes.ToArray();
        var settles = _txSettles.ToArray();
        _txPublishes.Clear();
        _txSettles.Clear();
        _tx = false;
        try
        {
            foreach (var p in publishes) Route(p.Exchange, p.RoutingKey, p.Mandatory, p.Properties, p.Body);
            foreach (var s in settles) lock (_broker.Lock) SettleNow(s.Tag, s.Multiple, s.Kind, s.Requeue);
        }
        finally { _tx = true; }
        Send(AmqpMethod.TxCommitOk);
    }

    private void TxRollback()
    {
        if (!_tx) AmqpException.Channel(ReplyCode.PreconditionFailed, "PRECONDITION_FAILED - channel is not transactional");
        _txPublishes.Clear();
        _txSettles.Clear();
        Send(AmqpMethod.TxRollbackOk);
    }
}
