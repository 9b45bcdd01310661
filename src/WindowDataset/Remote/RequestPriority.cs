namespace WindowDataset.Remote;

/// <summary>The order in which requests waiting for a slot of the <see cref="RequestLimiter"/> take it.</summary>
internal enum RequestPriority
{
    /// <summary>A reader is blocked on it: a demand read, or a read-ahead or retry a reader has since come to wait on.</summary>
    Demand,

    /// <summary>A retry of read-ahead nobody waits on yet: issued earliest, so needed before later read-ahead.</summary>
    Retry,

    /// <summary>Read-ahead.</summary>
    Ahead,
}
