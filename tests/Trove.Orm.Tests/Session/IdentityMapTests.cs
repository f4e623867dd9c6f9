using Trove.Orm.Tests.Relationships.M004;

namespace Trove.Orm.Tests.Session;

/// <summary>The open-addressing identity map against a dictionary model: random adds, replacements, removals and lookups.</summary>
public class IdentityMapTests
{
    private static EntityMapper MapperOf<T>() where T : DeclarativeBase, IMapped<T> => T.Mapper;

    private static InstanceState<TKey> State<TKey>(TKey key) where TKey : notnull =>
        new(MapperOf<User>(), new User()) { Key = key, HasIdentity = true };

    private static void Run<TKey>(Func<Random, TKey> key, int seed) where TKey : notnull
    {
        var rnd = new Random(seed);
        var map = new IdentityMap<TKey>();
        var model = new Dictionary<TKey, InstanceState<TKey>>();
        for (var step = 0; step < 20_000; step++)
        {
            var k = key(rnd);
            switch (rnd.Next(5))
            {
                case 0:
                case 1:
                    var s = State(k);
                    map.Add(k, s);
                    model[k] = s;
                    break;
                case 2:
                    // removing a different instance with an equal key leaves the map alone
                    var victim = model.TryGetValue(k, out var cur) && rnd.Next(4) > 0 ? cur : State(k);
                    map.Remove(victim);
                    if (cur is not null && ReferenceEquals(cur, victim)) model.Remove(k);
                    break;
                default:
                    Assert.Equal(model.TryGetValue(k, out var expected), map.TryGet(k, out var found));
                    if (expected is not null) Assert.Same(expected, found);
                    Assert.Same(expected, map.Find(k));
                    break;
            }
            Assert.Equal(model.Count, map.Count);
        }
        // the same instances (compared as sets: identity hash codes may collide, so no ordering by them)
        var states = map.States.ToList();
        Assert.Equal(model.Count, states.Count);
        Assert.True(new HashSet<InstanceState>(model.Values, ReferenceEqualityComparer.Instance).SetEquals(states));
        foreach (var (k, v) in model)
        {
            Assert.True(map.TryGet(k, out var f));
            Assert.Same(v, f);
        }
        map.Clear();
        Assert.Equal(0, map.Count);
        Assert.Empty(map.States);
    }

    [Fact]
    public void Integer_keys_dense_and_strided() => Run(r => (long)(r.Next(3) == 0 ? r.Next(600) * 1024 : r.Next(3000)), 1);

    [Fact]
    public void String_keys() => Run(r => "k" + r.Next(2000), 2);

    [Fact]
    public void Composite_keys() => Run(r => (r.Next(40), "x" + r.Next(40)), 3);
}
