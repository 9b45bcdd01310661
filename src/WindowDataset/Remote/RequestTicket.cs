namespace WindowDataset.Remote;

/// <summary>
/// One fetch's place with the <see cref="RequestLimiter"/>, shared by the blocks it fills: a reader that comes to
/// wait on one of them marks it demanded (<see cref="RequestLimiter.Demand"/>), which moves it, queued or retried
/// later, ahead of every request nobody waits on. The fields are guarded by the limiter's lock.
/// </summary>
internal sealed class RequestTicket(bool demanded)
{
    public bool Demanded = demanded;

    /// <summary>The waiter of its current attempt while that waits for a slot.</summary>
    public TaskCompletionSource? Queued;
}
