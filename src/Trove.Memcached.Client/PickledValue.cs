namespace Trove.Memcached.Client;

/// <summary>
/// A value python-memcached stored as a pickle (flag 1). .NET cannot unpickle it, so the bytes
/// are handed back as they are instead of being silently dropped.
/// </summary>
/// <param name="Data">The pickle stream.</param>
public sealed record PickledValue(byte[] Data);
