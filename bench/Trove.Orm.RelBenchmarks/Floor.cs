using System.Text;
using Microsoft.Data.Sqlite;

namespace Trove.Orm.RelBenchmarks;

/// <summary>
/// The driver floor of the two eager loads: Trove's own SQL run on raw Microsoft.Data.Sqlite, every column read
/// with the typed getters into plain objects, children attached to their parents through a dictionary by key.
/// What Trove spends above these is the ORM's (identity map, instance states, collections, back-references).
/// </summary>
internal static class Floor
{
    private sealed class P
    {
        public int Id;
        public string Name = "";
        public List<C> Children = [];
    }

    private sealed class C
    {
        public int Id;
        public int ParentId;
        public string Name = "";
        public long Value;
        public P? Parent;
    }

    private static SqliteConnection Open(string path)
    {
        var c = new SqliteConnection("Data Source=" + path);
        c.Open();
        return c;
    }

    public static void Joined(string path)
    {
        using var c = Open(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT parent.id, parent.name, child_1.id, child_1.parent_id, child_1.name, child_1.value "
            + "FROM parent LEFT OUTER JOIN child AS child_1 ON child_1.parent_id = parent.id";
        var parents = new Dictionary<int, P>();
        var list = new List<P>();
        var children = 0;
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                var id = r.GetInt32(0);
                if (!parents.TryGetValue(id, out var p))
                {
                    parents[id] = p = new P { Id = id, Name = r.GetString(1) };
                    list.Add(p);
                }
                if (r.IsDBNull(2)) continue;
                p.Children.Add(new C { Id = r.GetInt32(2), ParentId = r.GetInt32(3), Name = r.GetString(4), Value = r.GetInt64(5), Parent = p });
                children++;
            }
        }
        Check(list.Count, children);
    }

    public static void SelectIn(string path)
    {
        using var c = Open(path);
        var parents = new Dictionary<int, P>();
        var list = new List<P>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT parent.id, parent.name FROM parent";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var p = new P { Id = r.GetInt32(0), Name = r.GetString(1) };
                parents[p.Id] = p;
                list.Add(p);
            }
        }
        var children = 0;
        for (var start = 0; start < list.Count; start += 500)
        {
            var n = Math.Min(500, list.Count - start);
            using var cmd = c.CreateCommand();
            var sb = new StringBuilder("SELECT child.parent_id, child.id, child.parent_id, child.name, child.value FROM child WHERE child.parent_id IN (");
            for (var i = 0; i < n; i++)
            {
                if (i > 0) sb.Append(", ");
                sb.Append("@p").Append(i);
                cmd.Parameters.AddWithValue("@p" + i, list[start + i].Id);
            }
            cmd.CommandText = sb.Append(')').ToString();
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                var p = parents[(int)r.GetInt64(0)];
                p.Children.Add(new C { Id = r.GetInt32(1), ParentId = r.GetInt32(2), Name = r.GetString(3), Value = r.GetInt64(4), Parent = p });
                children++;
            }
        }
        Check(list.Count, children);
    }

    private static void Check(int parents, int children)
    {
        if (parents != 1000 || children != 10000) throw new InvalidOperationException($"floor loaded {parents} parents, {children} children");
    }
}
