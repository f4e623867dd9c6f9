using System.Text;
using Trove.Sql.Dialects;

namespace Trove.Sql;

/// <summary>
/// A database URL <c>dialect[+driver]://[user[:password]@][host][:port][/database][?key=value…]</c>
/// (SQLAlchemy's <c>URL</c>/<c>make_url</c>). Value equality; <see cref="ToString"/> masks the password.
/// </summary>
public sealed class Url : IEquatable<Url>
{
    /// <summary>Creates a URL for a dialect (<c>"postgresql"</c> or <c>"postgresql+npgsql"</c>).</summary>
    public Url(string drivername)
    {
        int plus = drivername.IndexOf('+');
        Dialect = plus < 0 ? drivername : drivername[..plus];
        Driver = plus < 0 ? null : drivername[(plus + 1)..];
    }

    /// <summary>Dialect name.</summary>
    public string Dialect { get; init; }
    /// <summary>Driver name (null when omitted).</summary>
    public string? Driver { get; init; }
    /// <summary>User name.</summary>
    public string? Username { get; init; }
    /// <summary>Password.</summary>
    public string? Password { get; init; }
    /// <summary>Host.</summary>
    public string? Host { get; init; }
    /// <summary>Port.</summary>
    public int? Port { get; init; }
    /// <summary>Database (for SQLite, the file path; null or <c>:memory:</c> for memory).</summary>
    public string? Database { get; init; }
    /// <summary>Query options.</summary>
    public IReadOnlyDictionary<string, string> Query { get; init; } = new Dictionary<string, string>();

    /// <summary><c>dialect+driver</c> as written (driver omitted when null).</summary>
    public string DriverName => Driver is null ? Dialect : Dialect + "+" + Driver;

    /// <summary>Parses a URL string; <see cref="FormatException"/> when malformed.</summary>
    public static Url Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        int sep = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = sep > 0 ? url[..sep] : "";
        if (sep <= 0 || !IsScheme(scheme)) throw Bad(url);
        string rest = url[(sep + 3)..];
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        int q = rest.IndexOf('?');
        if (q >= 0)
        {
            foreach (var pair in rest[(q + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                int eq = pair.IndexOf('=');
                if (eq < 0) query[Uri.UnescapeDataString(pair)] = "";
                else query[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
            rest = rest[..q];
        }
        string? database = null;
        int slash = rest.IndexOf('/');
        if (slash >= 0) { database = rest[(slash + 1)..]; rest = rest[..slash]; if (database.Length == 0) database = null; }
        string? user = null, password = null;
        int at = rest.LastIndexOf('@');
        if (at >= 0)
        {
            string cred = rest[..at]; rest = rest[(at + 1)..];
            int colon = cred.IndexOf(':');
            if (colon >= 0) { user = Uri.UnescapeDataString(cred[..colon]); password = Uri.UnescapeDataString(cred[(colon + 1)..]); }
            else user = Uri.UnescapeDataString(cred);
            if (user.Length == 0) user = null;
        }
        string? host = rest.Length == 0 ? null : rest;
        int? port = null;
        if (host != null)
        {
            int colon = host.StartsWith('[') ? host.IndexOf(':', host.IndexOf(']')) : host.LastIndexOf(':');
            if (colon >= 0)
            {
                if (!int.TryParse(host.AsSpan(colon + 1), out var p) || p < 0 || p > 65535) throw Bad(url);
                port = p; host = host[..colon];
                if (host.Length == 0) host = null;
            }
        }
        return new Url(scheme)
        {
            Username = user, Password = password, Host = host, Port = port,
            Database = database is null ? null : Uri.UnescapeDataString(database), Query = query,
        };
    }

    /// <summary>Parses or returns false.</summary>
    public static bool TryParse(string url, out Url? result)
    {
        try { result = Parse(url); return true; }
        catch (FormatException) { result = null; return false; }
    }

    private static bool IsScheme(string s)
    {
        if (s.Length == 0 || !char.IsAsciiLetter(s[0])) return false;
        foreach (var ch in s) if (!(char.IsAsciiLetterOrDigit(ch) || ch is '+' or '_' or '-' or '.')) return false;
        return true;
    }

    private static FormatException Bad(string url) =>
        new($"Could not parse URL from string '{url}': expected dialect[+driver]://[user[:password]@][host][:port][/database][?key=value…]");

    /// <summary>The dialect for this URL (<see cref="NoSuchDialectException"/> when unknown).</summary>
    public Dialect GetDialect() => Dialects.Dialect.Get(Dialect);

    /// <summary>A copy with some parts replaced (SQLAlchemy's <c>URL.set</c>).</summary>
    public Url Set(string? username = null, string? password = null, string? host = null, int? port = null, string? database = null) =>
        new(DriverName)
        {
            Username = username ?? Username, Password = password ?? Password, Host = host ?? Host, Port = port ?? Port,
            Database = database ?? Database, Query = Query,
        };

    /// <summary>The URL text; the password shows as <c>***</c> unless <paramref name="hidePassword"/> is false.</summary>
    public string Render(bool hidePassword = true)
    {
        var sb = new StringBuilder(DriverName).Append("://");
        if (Username != null)
        {
            sb.Append(Escape(Username));
            if (Password != null) sb.Append(':').Append(hidePassword ? "***" : Escape(Password));
            sb.Append('@');
        }
        if (Host != null) sb.Append(Host);
        if (Port != null) sb.Append(':').Append(Port.Value);
        if (Database != null) sb.Append('/').Append(Database);
        if (Query.Count > 0)
            sb.Append('?').Append(string.Join("&", Query.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => Escape(kv.Key) + "=" + Escape(kv.Value))));
        return sb.ToString();
    }

    private static string Escape(string s) => Uri.EscapeDataString(s);

    /// <summary>The URL with the password masked.</summary>
    public override string ToString() => Render(hidePassword: true);

    /// <inheritdoc/>
    public bool Equals(Url? other) =>
        other is not null && Dialect == other.Dialect && Driver == other.Driver && Username == other.Username && Password == other.Password
        && Host == other.Host && Port == other.Port && Database == other.Database
        && Query.Count == other.Query.Count && Query.All(kv => other.Query.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Url);
    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Dialect, Driver, Username, Password, Host, Port, Database);
    /// <summary>Value equality.</summary>
    public static bool operator ==(Url? a, Url? b) => a is null ? b is null : a.Equals(b);
    /// <summary>Value inequality.</summary>
    public static bool operator !=(Url? a, Url? b) => !(a == b);
}
