namespace WindowDataset.Remote;

/// <summary>What opening an object pins: its size and version (ETag; null when the server gives none).</summary>
internal readonly record struct RemoteObjectInfo(long Length, string? ETag);
