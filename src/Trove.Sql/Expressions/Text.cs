using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Trove.Sql;

/// <summary>
/// Textual SQL (SQLAlchemy's <c>text()</c>). Built from an interpolated string, every hole becomes a bound
/// parameter; built from a plain string, <c>:name</c> markers are parameters supplied with <see cref="Bind"/> or at execution.
/// </summary>
public sealed partial class TextClause : Executable
{
    // Fragments alternate with parameter slots: a slot is either an interpolated value or a :name marker.
    private readonly List<string> _fragments;
    private readonly List<(string? Name, object? Value, bool HasValue)> _slots;

    internal TextClause(List<string> fragments, List<(string?, object?, bool)> slots) { _fragments = fragments; _slots = slots; }

    internal static TextClause Parse(string sql)
    {
        var fragments = new List<string>();
        var slots = new List<(string?, object?, bool)>();
        int last = 0;
        foreach (Match m in BindPattern().Matches(sql))
        {
            fragments.Add(sql[last..m.Index]);
            slots.Add((m.Groups[1].Value, null, false));
            last = m.Index + m.Length;
        }
        fragments.Add(sql[last..]);
        // "\:" escapes a literal colon, as in SQLAlchemy.
        for (int i = 0; i < fragments.Count; i++) fragments[i] = fragments[i].Replace("\\:", ":");
        return new TextClause(fragments, slots);
    }

    [GeneratedRegex(@"(?<![:\w\\]):(\w+)(?!:)")]
    private static partial Regex BindPattern();

    /// <summary>Supplies the value of the <c>:name</c> parameter.</summary>
    public TextClause Bind(string name, object? value)
    {
        bool found = false;
        var slots = new List<(string?, object?, bool)>(_slots.Count);
        foreach (var s in _slots)
        {
            if (s.Name == name) { slots.Add((name, value, true)); found = true; }
            else slots.Add(s);
        }
        if (!found) throw new ArgumentException($"This text() construct doesn't define a bound parameter named '{name}'");
        return new TextClause(_fragments, slots);
    }

    internal override bool ReturnsRows => true;

    internal override void CompileStatement(SqlCompiler c)
    {
        for (int i = 0; i < _slots.Count; i++)
        {
            c.Sb.Append(_fragments[i]);
            var s = _slots[i];
            c.Bind(s.Value, null, s.Name, this, i, s.HasValue ? BindState.Given : BindState.Required);
        }
        c.Sb.Append(_fragments[^1]);
    }

    // The text and the slots' names are the structure; interpolated or bound values are extracted.
    internal override void AppendKey(KeyBuilder k)
    {
        k.Kind(KeyKind.Text);
        k.Add(_slots.Count);
        for (int i = 0; i < _slots.Count; i++)
        {
            k.Str(_fragments[i]);
            var s = _slots[i];
            k.Str(s.Name);
            k.UniqueValue(s.HasValue ? s.Value : RequiredValue.Instance, this, i);
        }
        k.Str(_fragments[^1]);
    }
}

/// <summary>Builds a <see cref="TextClause"/> from <c>$"…"</c>: literal parts are SQL, holes are bound parameters.</summary>
[InterpolatedStringHandler]
public ref struct TextInterpolationHandler
{
    private readonly List<string> _fragments;
    private readonly List<(string?, object?, bool)> _slots;
    private System.Text.StringBuilder _current;

    /// <summary>Called by the compiler.</summary>
    public TextInterpolationHandler(int literalLength, int formattedCount)
    {
        _fragments = new List<string>(formattedCount + 1);
        _slots = new List<(string?, object?, bool)>(formattedCount);
        _current = new System.Text.StringBuilder(literalLength);
    }

    /// <summary>Appends SQL text.</summary>
    public void AppendLiteral(string s) => _current.Append(s);

    /// <summary>Appends a value as a bound parameter.</summary>
    public void AppendFormatted<T>(T value)
    {
        _fragments.Add(_current.ToString());
        _current.Clear();
        _slots.Add((null, value, true));
    }

    /// <summary>Appends a value as a bound parameter (the format is ignored: values are never formatted into SQL).</summary>
    public void AppendFormatted<T>(T value, string? format) => AppendFormatted(value);

    internal TextClause Build()
    {
        _fragments.Add(_current.ToString());
        return new TextClause(_fragments, _slots);
    }
}
