namespace WindowDataset.Remote;

/// <summary>A backend saw a different version of the object than the one pinned when it was opened (412, or another ETag).</summary>
internal sealed class RemoteChangedException(string now) : Exception("the object changed")
{
    /// <summary>The ETag the server reports now, or <c>?</c> when it only refused the pinned one.</summary>
    public string Now { get; } = now;
}
