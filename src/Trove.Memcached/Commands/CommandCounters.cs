namespace Trove.Memcached.Commands;

/// <summary>
/// Per-connection command counters (memcached's per-thread stats), written only by the
/// connection's own loop and summed by "stats".
/// </summary>
internal sealed class CommandCounters
{
    public long CmdGet, CmdSet, CmdTouch, CmdFlush, CmdMeta;
    public long GetHits, GetMisses, GetExpired, GetFlushed;
    public long DeleteHits, DeleteMisses, IncrHits, IncrMisses, DecrHits, DecrMisses;
    public long CasHits, CasMisses, CasBadval, TouchHits, TouchMisses, StoreTooLarge, StoreNoMemory;

    public void AddTo(CommandCounters t)
    {
        t.CmdGet += CmdGet; t.CmdSet += CmdSet; t.CmdTouch += CmdTouch; t.CmdFlush += CmdFlush; t.CmdMeta += CmdMeta;
        t.GetHits += GetHits; t.GetMisses += GetMisses; t.GetExpired += GetExpired; t.GetFlushed += GetFlushed;
        t.DeleteHits += DeleteHits; t.DeleteMisses += DeleteMisses; t.IncrHits += IncrHits; t.IncrMisses += IncrMisses;
        t.DecrHits += DecrHits; t.DecrMisses += DecrMisses; t.CasHits += CasHits; t.CasMisses += CasMisses;
        t.CasBadval += CasBadval; t.TouchHits += TouchHits; t.TouchMisses += TouchMisses;
        t.StoreTooLarge += StoreTooLarge; t.StoreNoMemory += StoreNoMemory;
    }
}
