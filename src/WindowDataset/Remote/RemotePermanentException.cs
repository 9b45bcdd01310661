namespace WindowDataset.Remote;

/// <summary>A failure that a retry cannot fix (404, 403, a server that ignores ranges); the message is already redacted.</summary>
internal sealed class RemotePermanentException(string message) : Exception(message);
