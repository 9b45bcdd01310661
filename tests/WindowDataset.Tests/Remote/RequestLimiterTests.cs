using WindowDataset.Remote;

namespace WindowDataset.Tests.Remote;

/// <summary>The order in which queued requests take a freed slot: demanded, then retries, then read-ahead.</summary>
public sealed class RequestLimiterTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Release_QueuedOfEveryPriority_DemandThenRetryThenAhead()
    {
        var limiter = new RequestLimiter(1);
        await limiter.WaitAsync(RequestPriority.Demand, null, CancellationToken.None);
        Task ahead = limiter.WaitAsync(RequestPriority.Ahead, new RequestTicket(demanded: false), CancellationToken.None);
        Task retry = limiter.WaitAsync(RequestPriority.Retry, new RequestTicket(demanded: false), CancellationToken.None);
        Task demand = limiter.WaitAsync(RequestPriority.Demand, null, CancellationToken.None);

        limiter.Release();
        await demand.WaitAsync(s_patience);
        Assert.False(retry.IsCompleted);
        Assert.False(ahead.IsCompleted);

        limiter.Release();
        await retry.WaitAsync(s_patience);
        Assert.False(ahead.IsCompleted);

        limiter.Release();
        await ahead.WaitAsync(s_patience);
    }

    [Fact]
    public async Task Demand_QueuedReadAhead_GoesBeforeRetriesAndEarlierReadAhead()
    {
        var limiter = new RequestLimiter(1);
        await limiter.WaitAsync(RequestPriority.Demand, null, CancellationToken.None);
        Task earlier = limiter.WaitAsync(RequestPriority.Ahead, new RequestTicket(demanded: false), CancellationToken.None);
        var awaited = new RequestTicket(demanded: false);
        Task later = limiter.WaitAsync(RequestPriority.Ahead, awaited, CancellationToken.None);
        Task retry = limiter.WaitAsync(RequestPriority.Retry, new RequestTicket(demanded: false), CancellationToken.None);

        limiter.Demand(awaited);
        Assert.True(awaited.Demanded);
        limiter.Release();
        await later.WaitAsync(s_patience);
        Assert.False(retry.IsCompleted);
        Assert.False(earlier.IsCompleted);

        limiter.Release();
        await retry.WaitAsync(s_patience);
        limiter.Release();
        await earlier.WaitAsync(s_patience);

        // The copy of the promoted waiter left in the read-ahead queue is skipped: the slot comes back free.
        limiter.Release();
        await limiter.WaitAsync(RequestPriority.Ahead, null, CancellationToken.None).WaitAsync(s_patience);
    }

    [Fact]
    public async Task WaitAsync_TicketDemandedBeforeItsRetry_QueuesWithDemand()
    {
        var limiter = new RequestLimiter(1);
        await limiter.WaitAsync(RequestPriority.Demand, null, CancellationToken.None);
        Task otherRetry = limiter.WaitAsync(RequestPriority.Retry, new RequestTicket(demanded: false), CancellationToken.None);
        var awaited = new RequestTicket(demanded: false);
        limiter.Demand(awaited); // a reader came to wait on the block while its failed request was backing off
        Task retry = limiter.WaitAsync(RequestPriority.Retry, awaited, CancellationToken.None);

        limiter.Release();
        await retry.WaitAsync(s_patience);
        Assert.False(otherRetry.IsCompleted);
        limiter.Release();
        await otherRetry.WaitAsync(s_patience);
    }

    [Fact]
    public async Task Release_CancelledWaiter_SlotGoesToTheNext()
    {
        var limiter = new RequestLimiter(1);
        await limiter.WaitAsync(RequestPriority.Demand, null, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        Task cancelled = limiter.WaitAsync(RequestPriority.Demand, null, cancel.Token);
        Task next = limiter.WaitAsync(RequestPriority.Ahead, new RequestTicket(demanded: false), CancellationToken.None);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(s_patience));

        limiter.Release();
        await next.WaitAsync(s_patience);
    }
}
