namespace WindowDataset.Remote;

/// <summary>
/// The limit of requests in flight, with two queues: urgent requests (a reader is blocked on them, or they are
/// retries, which read-ahead issued earliest and so are needed first) take a freed slot before read-ahead does.
/// With one first-in-first-out queue, a retried request waits behind every read-ahead request issued since its first
/// attempt, and its batch, and the training step behind it, waits with it.
/// </summary>
internal sealed class RequestLimiter(int slots)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource> _urgent = new();
    private readonly Queue<TaskCompletionSource> _ahead = new();
    private int _free = slots;

    /// <summary>Takes a slot, at once when one is free; <see cref="Release"/> gives it back.</summary>
    public Task WaitAsync(bool urgent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_free > 0)
            {
                _free--;
                return Task.CompletedTask;
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            (urgent ? _urgent : _ahead).Enqueue(waiter);
        }

        return WaitQueuedAsync(waiter, cancellationToken);
    }

    /// <summary>Hands the slot to the next urgent waiter, else the next read-ahead waiter, else frees it.</summary>
    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? next;
            lock (_gate)
            {
                if (!_urgent.TryDequeue(out next) && !_ahead.TryDequeue(out next))
                {
                    _free++;
                    return;
                }
            }

            // A waiter cancelled while queued no longer takes the slot: offer it to the next one.
            if (next.TrySetResult())
            {
                return;
            }
        }
    }

    private static async Task WaitQueuedAsync(TaskCompletionSource waiter, CancellationToken cancellationToken)
    {
        using (cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetCanceled(), waiter))
        {
            await waiter.Task.ConfigureAwait(false);
        }
    }
}
