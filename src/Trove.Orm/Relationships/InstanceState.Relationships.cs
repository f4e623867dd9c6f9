namespace Trove.Orm;

public abstract partial class InstanceState
{
    /// <summary>Bit i set = relationship i holds its current value (loaded, assigned, or the instance is new).</summary>
    public ulong RelLoaded;

    /// <summary>Bit i set = reference i was assigned since the last flush (its foreign key is copied at flush).</summary>
    internal ulong RelChanged;

    /// <summary>Bit i set = a query loaded this instance with <c>Include(…, Loading.Raise)</c> for relationship i.</summary>
    internal ulong RelRaise;

    /// <summary>Loads relationship <paramref name="index"/> through the owning session (generated getters call this).</summary>
    public void LoadRelationship(int index)
    {
        if (Loading) return;
        var rel = Mapper.Relationships[index];
        if (Status == InstanceStatus.Pending || !HasIdentity)
        {
            RelLoaded |= rel.Bit;
            return;
        }
        if (Session is null)
        {
            throw new DetachedInstanceException(
                $"Parent instance {Mapper.Describe(this)} is not bound to a Session; lazy load operation of attribute '{rel.Name}' cannot proceed");
        }
        Session.LoadRelationship(this, rel.Resolved());
    }
}
