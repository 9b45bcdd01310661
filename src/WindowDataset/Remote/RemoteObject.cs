namespace WindowDataset.Remote;

/// <summary>An opened object: the backend that reads it and the size and version pinned when it opened.</summary>
internal sealed class RemoteObject(int id, RemoteUrl url, RemoteBackend backend, RemoteObjectInfo info, string diskKey)
{
    public int Id { get; } = id;

    public RemoteUrl Url { get; } = url;

    public RemoteBackend Backend { get; } = backend;

    public long Length { get; } = info.Length;

    /// <summary>The pinned version; null when the server gives no ETag (then nothing can detect a change).</summary>
    public string? ETag { get; } = info.ETag;

    /// <summary>File-name prefix of this version's blocks in the disk cache.</summary>
    public string DiskKey { get; } = diskKey;
}
