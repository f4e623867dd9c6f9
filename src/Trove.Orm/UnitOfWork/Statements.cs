using System.Collections.Concurrent;
using System.Text;
using Trove.Orm.Internal;

namespace Trove.Orm;

/// <summary>
/// SQL text of the unit of work's statements, built once per (mapper, dialect, kind, column mask) and shared by
/// every session (thread-safe cache). Parameters are numbered in column order.
/// </summary>
internal static class Statements
{
    private enum Kind : byte { Insert, Update, Delete, SelectByKey, SelectColumnsByKey }

    private static readonly ConcurrentDictionary<(int Mapper, OrmDialect Dialect, Kind Kind, ulong Mask, bool Flag), string> s_cache = new();

    public static void Table(StringBuilder sb, EntityMapper m, OrmDialect d) => d.Quote(sb, m.TableName);

    /// <summary>INSERT of the columns in <paramref name="mask"/>; RETURNING the autoincrement key when <paramref name="returning"/>.</summary>
    public static string Insert(EntityMapper m, OrmDialect d, ulong mask, bool returning) =>
        s_cache.GetOrAdd((m.Id, d, Kind.Insert, mask, returning), static (k, m) =>
        {
            var sb = new StringBuilder("INSERT INTO ");
            Table(sb, m, k.Dialect);
            var n = 0;
            if (k.Mask == 0)
            {
                sb.Append(k.Dialect.IsMySql ? " () VALUES ()" : " DEFAULT VALUES");
            }
            else
            {
                sb.Append(" (");
                for (var i = 0; i < m.Columns.Count; i++)
                {
                    if ((k.Mask & (1UL << i)) == 0) continue;
                    if (n++ > 0) sb.Append(", ");
                    k.Dialect.Quote(sb, m.Columns[i].Name);
                }
                sb.Append(") VALUES (");
                for (var i = 0; i < n; i++)
                {
                    if (i > 0) sb.Append(", ");
                    k.Dialect.Placeholder(sb, i);
                }
                sb.Append(')');
            }
            if (k.Flag)
            {
                sb.Append(" RETURNING ");
                var first = true;
                foreach (var c in m.Columns)
                {
                    if (!c.Autoincrement) continue;
                    if (!first) sb.Append(", ");
                    first = false;
                    k.Dialect.Quote(sb, c.Name);
                }
            }
            return sb.ToString();
        }, m);

    private static readonly ConcurrentDictionary<(int Mapper, OrmDialect Dialect, ulong Mask, bool Returning, int Rows), string> s_multi = new();

    /// <summary>
    /// INSERT of <paramref name="rows"/> rows in one statement (<c>VALUES (…), (…), …</c>), parameters row by row in
    /// column order; RETURNING the autoincrement key when <paramref name="returning"/>.
    /// </summary>
    public static string InsertRows(EntityMapper m, OrmDialect d, ulong mask, bool returning, int rows) =>
        s_multi.GetOrAdd((m.Id, d, mask, returning, rows), static (k, m) =>
        {
            var single = Insert(m, k.Dialect, k.Mask, false);
            var sb = new StringBuilder(single.Length * 2 + k.Rows * 8);
            var cols = System.Numerics.BitOperations.PopCount(k.Mask);
            sb.Append(single, 0, single.IndexOf(" VALUES (", StringComparison.Ordinal)).Append(" VALUES ");
            var n = 0;
            for (var r = 0; r < k.Rows; r++)
            {
                sb.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < cols; c++)
                {
                    if (c > 0) sb.Append(", ");
                    k.Dialect.Placeholder(sb, n++);
                }
                sb.Append(')');
            }
            if (k.Returning)
            {
                var withKey = Insert(m, k.Dialect, k.Mask, true);
                sb.Append(withKey, withKey.LastIndexOf(" RETURNING ", StringComparison.Ordinal), withKey.Length - withKey.LastIndexOf(" RETURNING ", StringComparison.Ordinal));
            }
            return sb.ToString();
        }, m);

    private static readonly ConcurrentDictionary<(int Mapper, OrmDialect Dialect, ulong Mask, int Rows), string> s_multiUpdate = new();

    /// <summary>
    /// UPDATE of <paramref name="rows"/> rows from a VALUES list (SQLite's UPDATE … FROM): each row's parameters are
    /// its key values, then its values of the columns in <paramref name="mask"/>.
    /// </summary>
    public static string UpdateRows(EntityMapper m, OrmDialect d, ulong mask, int rows) =>
        s_multiUpdate.GetOrAdd((m.Id, d, mask, rows), static (k, m) =>
        {
            var sb = new StringBuilder("UPDATE ");
            Table(sb, m, k.Dialect);
            sb.Append(" SET ");
            var keys = m.KeyColumns.Length;
            var v = keys;
            for (var i = 0; i < m.Columns.Count; i++)
            {
                if ((k.Mask & (1UL << i)) == 0) continue;
                if (v > keys) sb.Append(", ");
                k.Dialect.Quote(sb, m.Columns[i].Name);
                sb.Append(" = v.column").Append(++v);
            }
            sb.Append(" FROM (VALUES ");
            var n = 0;
            for (var r = 0; r < k.Rows; r++)
            {
                sb.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < v; c++)
                {
                    if (c > 0) sb.Append(", ");
                    k.Dialect.Placeholder(sb, n++);
                }
                sb.Append(')');
            }
            sb.Append(") AS v WHERE ");
            for (var i = 0; i < keys; i++)
            {
                if (i > 0) sb.Append(" AND ");
                Table(sb, m, k.Dialect);
                sb.Append('.');
                k.Dialect.Quote(sb, m.Columns[m.KeyColumns[i]].Name);
                sb.Append(" = v.column").Append(i + 1);
            }
            return sb.ToString();
        }, m);

    /// <summary>UPDATE … SET (columns in mask) WHERE key [AND version]; parameters: set values, key values, old version.</summary>
    public static string Update(EntityMapper m, OrmDialect d, ulong mask) =>
        s_cache.GetOrAdd((m.Id, d, Kind.Update, mask, false), static (k, m) =>
        {
            var sb = new StringBuilder("UPDATE ");
            Table(sb, m, k.Dialect);
            sb.Append(" SET ");
            var n = 0;
            for (var i = 0; i < m.Columns.Count; i++)
            {
                if ((k.Mask & (1UL << i)) == 0) continue;
                if (n > 0) sb.Append(", ");
                k.Dialect.Quote(sb, m.Columns[i].Name);
                sb.Append('=');
                k.Dialect.Placeholder(sb, n++);
            }
            WhereKey(sb, m, k.Dialect, n);
            return sb.ToString();
        }, m);

    /// <summary>DELETE … WHERE key [AND version].</summary>
    public static string Delete(EntityMapper m, OrmDialect d) =>
        s_cache.GetOrAdd((m.Id, d, Kind.Delete, 0, false), static (k, m) =>
        {
            var sb = new StringBuilder("DELETE FROM ");
            Table(sb, m, k.Dialect);
            WhereKey(sb, m, k.Dialect, 0);
            return sb.ToString();
        }, m);

    /// <summary>SELECT of the columns in <paramref name="mask"/> (all: every column) by primary key.</summary>
    public static string SelectByKey(EntityMapper m, OrmDialect d, ulong mask) =>
        s_cache.GetOrAdd((m.Id, d, Kind.SelectColumnsByKey, mask, false), static (k, m) =>
        {
            var sb = new StringBuilder("SELECT ");
            var first = true;
            for (var i = 0; i < m.Columns.Count; i++)
            {
                if ((k.Mask & (1UL << i)) == 0) continue;
                if (!first) sb.Append(", ");
                first = false;
                Table(sb, m, k.Dialect);
                sb.Append('.');
                k.Dialect.Quote(sb, m.Columns[i].Name);
            }
            sb.Append(" FROM ");
            Table(sb, m, k.Dialect);
            var n = 0;
            sb.Append(" WHERE ");
            foreach (var ki in m.KeyColumns)
            {
                if (n > 0) sb.Append(" AND ");
                Table(sb, m, k.Dialect);
                sb.Append('.');
                k.Dialect.Quote(sb, m.Columns[ki].Name);
                sb.Append(" = ");
                k.Dialect.Placeholder(sb, n++);
            }
            return sb.ToString();
        }, m);

    private static void WhereKey(StringBuilder sb, EntityMapper m, OrmDialect d, int n)
    {
        sb.Append(" WHERE ");
        var first = true;
        foreach (var ki in m.KeyColumns)
        {
            if (!first) sb.Append(" AND ");
            first = false;
            Table(sb, m, d);
            sb.Append('.');
            d.Quote(sb, m.Columns[ki].Name);
            sb.Append(" = ");
            d.Placeholder(sb, n++);
        }
        if (m.VersionColumn >= 0)
        {
            sb.Append(" AND ");
            Table(sb, m, d);
            sb.Append('.');
            d.Quote(sb, m.Columns[m.VersionColumn].Name);
            sb.Append(" = ");
            d.Placeholder(sb, n);
        }
    }
}
