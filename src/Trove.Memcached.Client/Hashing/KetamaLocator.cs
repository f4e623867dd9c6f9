using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Trove.Memcached.Client.Hashing;

/// <summary>
/// Consistent hashing laid out as libmemcached's weighted ketama continuum: each server gets
/// <c>floor(weight / totalWeight * 160 / 4 * serverCount) * 4</c> points; point group <c>i</c> of a
/// server is the MD5 of <c>"host:port-i"</c> (<c>"host-i"</c> when the port is 11211), each digest
/// giving four little-endian 32-bit points. A key's hash is the first four MD5 bytes of the key,
/// little-endian; it maps to the first point at or after it, wrapping to the start.
/// A dead server's keys move to the next point clockwise that belongs to a live server, which is
/// what rebuilding the continuum without the dead server would give.
/// </summary>
internal sealed class KetamaLocator : IServerLocator
{
    private const int PointsPerServer = 160;
    private const int PointsPerHash = 4;
    private const int DefaultPort = 11211;
    private readonly uint[] _points;
    private readonly int[] _owners;

    public KetamaLocator(IReadOnlyList<MemcacheServerEndpoint> servers)
    {
        long totalWeight = servers.Sum(s => (long)s.Weight);
        var points = new List<(uint Point, int Server)>();
        Span<byte> digest = stackalloc byte[16];
        for (int s = 0; s < servers.Count; s++)
        {
            // libmemcached computes the share in single precision; float keeps boundary cases equal.
            float pct = servers[s].Weight / (float)totalWeight;
            int perServer = (int)Math.Floor(pct * PointsPerServer / 4f * servers.Count + 0.0000000001f) * 4;
            for (int group = 0; group < perServer / PointsPerHash; group++)
            {
                string label = servers[s].Port == DefaultPort
                    ? string.Create(CultureInfo.InvariantCulture, $"{servers[s].Host}-{group}")
                    : string.Create(CultureInfo.InvariantCulture, $"{servers[s].Host}:{servers[s].Port}-{group}");
                MD5.HashData(Encoding.UTF8.GetBytes(label), digest);
                for (int a = 0; a < PointsPerHash; a++)
                    points.Add((LittleEndian(digest[(a * 4)..]), s));
            }
        }
        points.Sort((x, y) => x.Point != y.Point ? x.Point.CompareTo(y.Point) : x.Server.CompareTo(y.Server));
        _points = points.Select(p => p.Point).ToArray();
        _owners = points.Select(p => p.Server).ToArray();
    }

    public int MaxAttempts => _points.Length;

    /// <summary>The 32-bit ketama hash of a key (first four MD5 bytes, little-endian).</summary>
    public static uint KeyHash(ReadOnlySpan<byte> key)
    {
        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(key, digest);
        return LittleEndian(digest);
    }

    public int Start(ReadOnlySpan<byte> key)
    {
        uint h = KeyHash(key);
        int lo = 0, hi = _points.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_points[mid] < h) lo = mid + 1; else hi = mid;
        }
        return lo == _points.Length ? 0 : lo;
    }

    public int ServerAt(int state) => _owners[state];

    public int Next(int state, int attempt) => (state + 1) % _points.Length;

    private static uint LittleEndian(ReadOnlySpan<byte> b) => (uint)(b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24);
}
