namespace WindowDataset.Remote;

/// <summary>
/// What a whole-object GET gave, as <see cref="RemoteEngine.GetObject"/> returns it (a buffer from the shared array
/// pool, or none when missing or too large), or <see cref="Skipped"/> when a read-ahead GET was not sent.
/// </summary>
internal readonly record struct FetchedObject(byte[]? Buffer, long Size, bool WasSkipped = false)
{
    public static FetchedObject Skipped => new(null, 0, WasSkipped: true);
}
