namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>What <see cref="FaultProxy"/> does to one request.</summary>
public enum FaultKind
{
    /// <summary>Forward it untouched.</summary>
    None,

    /// <summary>Answer 503 Service Unavailable without forwarding.</summary>
    Status503,

    /// <summary>Answer 429 Too Many Requests without forwarding.</summary>
    Status429,

    /// <summary>Forward it, send half the body, then drop the connection.</summary>
    DropMidBody,

    /// <summary>Wait (past the client's timeout) before forwarding.</summary>
    Slow,

    /// <summary>Forward it but send half the body with a Content-Length that says so (the range headers still claim all of it).</summary>
    Truncate,
}
