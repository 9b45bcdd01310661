namespace WindowDataset.Remote;

/// <summary>A failure worth retrying (429, 5xx, a truncated body); the message is the reason, already redacted.</summary>
internal sealed class RemoteTransientException(string message) : Exception(message);
