namespace WindowDataset.Remote;

/// <summary>
/// The limit of requests in flight, with three queues taken in order: requests a reader is blocked on, then
/// retries, then read-ahead (<see cref="RequestPriority"/>). With one first-in-first-out queue, a retried request
/// waits behind every read-ahead request issued since its first attempt, and its batch, and the training step behind
/// it, waits with it; and a read-ahead request a worker has come to wait on (its batch is due) waits behind the
/// read-ahead and the retries of later batches.
/// </summary>
internal sealed class RequestLimiter(int slots)
{
    private readonly Lock _gate = new();
    private readonly Queue<TaskCompletionSource>[] _queues = [new(), new(), new()];
    private int _free = slots;

    /// <summary>
    /// Takes a slot, at once when one is free; <see cref="Release"/> gives it back. A <paramref name="ticket"/> marked
    /// demanded queues as <see cref="RequestPriority.Demand"/> whatever <paramref name="priority"/> says.
    /// </summary>
    public Task WaitAsync(RequestPriority priority, RequestTicket? ticket, CancellationToken cancellationToken)
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
            if (ticket is not null)
            {
                ticket.Queued = waiter;
                priority = ticket.Demanded ? RequestPriority.Demand : priority;
            }

            _queues[(int)priority].Enqueue(waiter);
        }

        return WaitQueuedAsync(waiter, ticket, cancellationToken);
    }

    /// <summary>
    /// Marks <paramref name="ticket"/> demanded: a reader now waits on its blocks. If its request waits for a slot,
    /// it is queued again with the demand requests (the copy left behind in its old queue is skipped when reached).
    /// </summary>
    public void Demand(RequestTicket ticket)
    {
        // Most reads wait on blocks already demanded (their own): no lock for those.
        if (Volatile.Read(ref ticket.Demanded))
        {
            return;
        }

        lock (_gate)
        {
            if (ticket.Demanded)
            {
                return;
            }

            ticket.Demanded = true;
            if (ticket.Queued is { } waiter)
            {
                _queues[(int)RequestPriority.Demand].Enqueue(waiter);
            }
        }
    }

    /// <summary>Hands the slot to the first waiter of the highest priority, else frees it.</summary>
    public void Release()
    {
        while (true)
        {
            TaskCompletionSource? next = null;
            lock (_gate)
            {
                foreach (Queue<TaskCompletionSource> queue in _queues)
                {
                    if (queue.TryDequeue(out next))
                    {
                        break;
                    }
                }

                if (next is null)
                {
                    _free++;
                    return;
                }
            }

            // A waiter cancelled while queued, or already given a slot through another queue, does not take it:
            // offer the slot to the next one.
            if (next.TrySetResult())
            {
                return;
            }
        }
    }

    private async Task WaitQueuedAsync(TaskCompletionSource waiter, RequestTicket? ticket, CancellationToken cancellationToken)
    {
        try
        {
            using (cancellationToken.UnsafeRegister(static state => ((TaskCompletionSource)state!).TrySetCanceled(), waiter))
            {
                await waiter.Task.ConfigureAwait(false);
            }
        }
        finally
        {
            if (ticket is not null)
            {
                lock (_gate)
                {
                    if (ticket.Queued == waiter)
                    {
                        ticket.Queued = null;
                    }
                }
            }
        }
    }
}
