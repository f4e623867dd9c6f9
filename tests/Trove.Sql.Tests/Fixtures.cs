using Trove.Sql;
using Trove.Sql.Schema;
using Trove.Sql.Types;

namespace Trove.Sql.Tests;

/// <summary>The user/blog tables of seed 004 (Core form), with a per-test table-name prefix.</summary>
public sealed class Blogs
{
    public readonly MetaData Meta = new();
    public readonly Table User, Blog;
    public readonly Column<long> UserId = new("id", primaryKey: true);
    public readonly Column<string> Name = new("name", SqlTypes.String(32), nullable: false, serverDefault: "");
    public readonly Column<string?> Username = new("username", SqlTypes.String(32), index: true);
    public readonly Column<long> BlogId = new("id", primaryKey: true);
    public readonly Column<string> Title = new("title", SqlTypes.String(64), nullable: false, serverDefault: "");
    public readonly Column<long?> Owner;
    public readonly Column<long> Create = new("create", index: true, serverDefault: "0", nullable: false);

    public Blogs(string prefix = "")
    {
        User = new Table(prefix + "user", Meta, UserId, Name, Username);
        Owner = new Column<long?>("user", foreignKey: prefix + "user.id", onDelete: ReferentialAction.Cascade);
        Blog = new Table(prefix + "blog", Meta, BlogId, Title, Owner, Create);
    }

    public void Seed(Engine e)
    {
        Meta.DropAll(e);
        Meta.CreateAll(e);
        using var c = e.Connect();
        using var tx = c.Begin();
        c.Execute(Db.Insert(User).Values(new Dictionary<string, object?>[]
        {
            new() { ["id"] = 1L, ["name"] = "first", ["username"] = "abc" },
            new() { ["id"] = 2L, ["name"] = "second", ["username"] = null },
            new() { ["id"] = 3L, ["name"] = "third", ["username"] = "xyz" },
        }));
        c.Execute(Db.Insert(Blog).Values(new Dictionary<string, object?>[]
        {
            new() { ["id"] = 1L, ["title"] = "A", ["user"] = 1L, ["create"] = 10L },
            new() { ["id"] = 2L, ["title"] = "B", ["user"] = 1L, ["create"] = 20L },
            new() { ["id"] = 3L, ["title"] = "C", ["user"] = 3L, ["create"] = 30L },
            new() { ["id"] = 4L, ["title"] = "100%_sure", ["user"] = null, ["create"] = 40L },
        }));
        tx.Commit();
    }
}
