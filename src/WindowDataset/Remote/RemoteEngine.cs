using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using WindowDataset.Sources;

namespace WindowDataset.Remote;

/// <summary>
/// Reads objects by URL for one loader: owns the HTTP, S3 and Azure clients, the limit of requests in flight, the
/// RAM block cache, the optional disk cache and the retry budget. Reads are served in blocks of
/// <see cref="RemoteOptions.BlockSize"/>; the missing blocks of one read (or one read-ahead hint) that are
/// consecutive go out as one ranged GET, and a block already being fetched is waited for, never fetched twice.
/// Every GET names the ETag pinned at open, so a changed object fails instead of mixing versions.
/// </summary>
internal sealed partial class RemoteEngine : IDisposable
{
    private const long MaxRequestBytes = 16L << 20;

    /// <summary>Retry tokens a retry costs; a success earns one back (<see cref="Refund"/>).</summary>
    private const int RetryCost = 5;
    private readonly RemoteOptions _options;
    private readonly int _blockSize;
    private readonly TimeSpan _timeout;
    private readonly RequestLimiter _limiter;
    private readonly BlockCache _ram;
    private readonly DiskBlockCache? _disk;
    private readonly ObjectReadAhead _ahead = new();
    private readonly ObjectVersions _versions = new();
    private readonly CancellationTokenSource _disposing = new();
    private readonly Lock _clientsGate = new();
    private HttpBackend? _http;
    private S3Backend? _s3;
    private AzureBackend? _azure;
    private int _nextObjectId;
    private int _retryTokens;
    private long _opens;
    private long _requests;
    private long _bytesFetched;
    private long _bytesDelivered;
    private long _retries;
    private long _failed;
    private long _aheadStarted;
    private long _aheadReady;
    private long _aheadJoined;
    private int _disposed;
    private bool _objectsConfigured;

    public RemoteEngine(RemoteOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (RemoteOptions.Check(options, "remote") is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _options = options.Clone();
        _blockSize = checked((int)_options.BlockSize);
        _timeout = TimeSpan.FromMilliseconds(_options.RequestTimeoutMilliseconds);
        _limiter = new RequestLimiter(_options.Concurrency);
        _ram = new BlockCache(_options.MemoryCacheBytes == 0 ? DefaultCacheBytes : _options.MemoryCacheBytes, _blockSize);
        _retryTokens = _options.RetryBudget * RetryCost;
        if (_options.CacheDirectory is { } directory)
        {
            _disk = new DiskBlockCache(directory, _options.CacheBytes);
        }
    }

    /// <summary>The RAM block cache's size before the loader sizes it for its read-ahead (<see cref="RemoteOptions.MemoryCacheBytes"/> 0).</summary>
    public const long DefaultCacheBytes = 64L << 20;

    public RemoteOptions Options => _options.Clone();

    /// <summary>Bytes the RAM block cache may hold (part of the loader's memory budget).</summary>
    public long CacheCapacity => _ram.Capacity;

    /// <summary>Raises the RAM block cache to <paramref name="bytes"/> unless <see cref="RemoteOptions.MemoryCacheBytes"/> fixed it.</summary>
    public void GrowCache(long bytes)
    {
        if (_options.MemoryCacheBytes == 0)
        {
            _ram.Grow(bytes);
        }
    }

    public RemoteStatistics Statistics => new(
        Interlocked.Read(ref _opens),
        Interlocked.Read(ref _requests),
        Interlocked.Read(ref _bytesFetched),
        Interlocked.Read(ref _bytesDelivered),
        Interlocked.Read(ref _retries),
        Interlocked.Read(ref _failed),
        _ram.Hits,
        _disk?.Hits ?? 0,
        _ram.Bytes,
        _disk?.Bytes ?? 0,
        Interlocked.Read(ref _aheadStarted),
        Interlocked.Read(ref _aheadReady),
        Interlocked.Read(ref _aheadJoined),
        _ahead.Peak,
        _ahead.Dropped + _ahead.Stale);

    /// <summary>Whether <paramref name="path"/> is a URL (<c>s3://</c>, <c>az://</c>, <c>http(s)://</c>) rather than a local path.</summary>
    public static bool IsUrl(string? path) => RemoteUrl.IsUrl(path);

    /// <summary><paramref name="text"/> with userinfo, signatures, credentials and account keys redacted.</summary>
    public static string Redact(string? text) => RemoteUrl.Redact(text);

    /// <summary>Opens an object: its size and ETag are read now (with retries) and pinned for every later read.</summary>
    /// <exception cref="IOException">The object cannot be opened; the message names the redacted URL.</exception>
    public ByteSource Open(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RemoteUrl parsed = RemoteUrl.Parse(url);
        RemoteBackend backend = BackendFor(parsed);
        RemoteObjectInfo info = RunAsync(() => WithRetriesAsync(parsed.Name, "opening", null, ct => backend.StatAsync(parsed, ct))).GetAwaiter().GetResult();
        Interlocked.Increment(ref _opens);
        string key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{parsed.Name}\n{info.ETag}\n{info.Length}\n{_blockSize}"))))[..32].ToLowerInvariant();
        var remote = new RemoteObject(Interlocked.Increment(ref _nextObjectId), parsed, backend, info, key);
        return new RemoteByteSource(this, remote);
    }

    /// <summary>
    /// The objects matching <paramref name="pattern"/> (<c>s3://bucket/prefix/part-*.npy</c>,
    /// <c>az://container/prefix/*.npy</c>; <c>*</c> and <c>?</c> in the last segment only), as URLs in ordinal order.
    /// </summary>
    public IReadOnlyList<string> List(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        RemoteUrl url = RemoteUrl.Parse(pattern);
        if (url.Kind == RemoteUrlKind.Http)
        {
            throw new NotSupportedException($"{url.Name}: expected an s3:// or az:// pattern to list; found an HTTP URL (HTTP has no listing: give the URLs one by one).");
        }

        int slash = url.Key.LastIndexOf('/');
        string directory = url.Key[..(slash + 1)];
        string name = url.Key[(slash + 1)..];
        if (directory.AsSpan().IndexOfAny('*', '?') >= 0 || url.Container.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            throw new ArgumentException($"{url.Name}: expected * and ? in the last segment only; found them in {(url.Container.AsSpan().IndexOfAny('*', '?') >= 0 ? "the bucket or container" : "a folder")}.", nameof(pattern));
        }

        int wild = name.AsSpan().IndexOfAny('*', '?');
        string prefix = directory + (wild < 0 ? name : name[..wild]);
        RemoteBackend backend = BackendFor(url);
        List<string> keys = RunAsync(() => WithRetriesAsync(url.Name, "listing", null, ct => backend.ListAsync(url, url.Container, prefix, ct))).GetAwaiter().GetResult();
        var matches = new List<string>();
        foreach (string key in keys)
        {
            if (key.Length > directory.Length && key.StartsWith(directory, StringComparison.Ordinal) && key.IndexOf('/', directory.Length) < 0 && Matches(name, key.AsSpan(directory.Length)))
            {
                matches.Add(key);
            }
        }

        matches.Sort(StringComparer.Ordinal);
        var urls = new List<string>(matches.Count);
        foreach (string key in matches)
        {
            urls.Add(url.Kind switch
            {
                RemoteUrlKind.S3 => "s3://" + url.Container + "/" + key,
                RemoteUrlKind.AzureContainer => "az://" + url.Container + "/" + key,
                _ => url.Uri!.GetLeftPart(UriPartial.Authority) + "/" + Uri.EscapeDataString(url.Container) + "/" + string.Join('/', key.Split('/').Select(Uri.EscapeDataString)) + url.Uri.Query,
            });
        }

        return urls;
    }

    internal int Read(RemoteObject remote, long offset, Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset >= remote.Length || destination.IsEmpty)
        {
            return 0;
        }

        long end = Math.Min(remote.Length, offset + destination.Length);
        long first = offset / _blockSize;
        int count = checked((int)(((end - 1) / _blockSize) - first + 1));
        var entries = new BlockEntry[count];
        var created = new List<BlockEntry>();
        _ram.Acquire(remote.Id, remote.Length, first, entries, count, created);
        try
        {
            StartFetches(remote, created, demanded: true);
            int written = 0;
            for (int i = 0; i < count; i++)
            {
                BlockEntry entry = entries[i];
                if (!entry.Ready.Task.IsCompleted && entry.Ticket is { } ticket)
                {
                    // A block read ahead, or a retry, that this worker now waits on goes before what nobody waits on.
                    _limiter.Demand(ticket);
                }

                WaitWithoutSpinning(entry.Ready.Task);
                long blockStart = (first + i) * _blockSize;
                int from = (int)Math.Max(0, offset - blockStart);
                int to = (int)Math.Min(entry.Length, end - blockStart);
                entry.Data.AsSpan(from, to - from).CopyTo(destination[written..]);
                written += to - from;
            }

            Interlocked.Add(ref _bytesDelivered, written);
            return written;
        }
        finally
        {
            _ram.Release(entries, count);
        }
    }

    internal void WillNeed(RemoteObject remote, long offset, long length)
    {
        if (Volatile.Read(ref _disposed) != 0 || offset < 0 || length <= 0 || offset >= remote.Length)
        {
            return;
        }

        long end = Math.Min(remote.Length, offset + length);
        long first = offset / _blockSize;
        long count = ((end - 1) / _blockSize) - first + 1;
        var created = new List<BlockEntry>();
        _ram.Reserve(remote.Id, remote.Length, first, count, created);
        if (created.Count > 0)
        {
            // Tickets now, so that a reader who comes to wait on these blocks before the pool runs the fetch can
            // promote it; the disk cache is read on the pool, so that a hint never blocks its caller.
            List<(BlockEntry[] Run, RequestTicket Ticket)> runs = Runs(created, demanded: false);
            ThreadPool.UnsafeQueueUserWorkItem(static state => state.Engine.FetchRuns(state.Remote, state.Runs), (Engine: this, Remote: remote, Runs: runs), preferLocal: false);
        }
    }

    internal void Forget(RemoteObject remote) => _ram.Forget(remote.Id);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _disposing.Cancel();
        lock (_clientsGate)
        {
            _http?.Dispose();
            _s3?.Dispose();
            _azure?.Dispose();
        }

        // _disposing is cancelled, not disposed: fetches still in flight read its token as they unwind.
        _ram.Clear();
        _ahead.Clear();
    }

    /// <summary>
    /// Groups the created (pending) entries into runs of consecutive blocks and fetches each run; <paramref name="demanded"/>:
    /// a reader waits on them (else read-ahead, which a reader can still come to wait on: <see cref="BlockEntry.Ticket"/>).
    /// </summary>
    private void StartFetches(RemoteObject remote, List<BlockEntry> created, bool demanded) => FetchRuns(remote, Runs(created, demanded));

    /// <summary>Cuts the created entries into runs of consecutive blocks (at most <see cref="MaxRequestBytes"/> each) and gives each run's entries its ticket.</summary>
    private List<(BlockEntry[] Run, RequestTicket Ticket)> Runs(List<BlockEntry> created, bool demanded)
    {
        var runs = new List<(BlockEntry[] Run, RequestTicket Ticket)>();
        int start = 0;
        for (int i = 1; i <= created.Count; i++)
        {
            if (i == created.Count || created[i].Index != created[i - 1].Index + 1 || (long)(i - start + 1) * _blockSize > MaxRequestBytes)
            {
                BlockEntry[] run = created.GetRange(start, i - start).ToArray();
                var ticket = new RequestTicket(demanded);
                foreach (BlockEntry entry in run)
                {
                    entry.Ticket = ticket;
                }

                runs.Add((run, ticket));
                start = i;
            }
        }

        return runs;
    }

    private void FetchRuns(RemoteObject remote, List<(BlockEntry[] Run, RequestTicket Ticket)> runs)
    {
        foreach ((BlockEntry[] run, RequestTicket ticket) in runs)
        {
            _ = FetchRunAsync(remote, run, ticket);
        }
    }

    /// <summary>Fills the pending entries of a run from the disk cache, else the network; never throws (errors go to the entries' readers).</summary>
    private async Task FetchRunAsync(RemoteObject remote, BlockEntry[] run, RequestTicket ticket)
    {
        int done = 0;
        try
        {
            while (done < run.Length)
            {
                if (_disk is not null && _disk.TryRead(remote.DiskKey, run[done].Index, run[done].Data.AsSpan(0, run[done].Length)))
                {
                    _ram.Complete(run[done]);
                    done++;
                    continue;
                }

                int missEnd = done + 1;
                while (missEnd < run.Length && (_disk is null || !_disk.TryRead(remote.DiskKey, run[missEnd].Index, run[missEnd].Data.AsSpan(0, run[missEnd].Length))))
                {
                    missEnd++;
                }

                // run[missEnd] (if any) was just read from disk: the network fetch covers [done, missEnd).
                await FetchNetworkAsync(remote, run, done, missEnd, ticket).ConfigureAwait(false);
                for (int i = done; i < missEnd; i++)
                {
                    _disk?.Write(remote.DiskKey, run[i].Index, run[i].Data.AsSpan(0, run[i].Length));
                    _ram.Complete(run[i]);
                }

                if (missEnd < run.Length)
                {
                    _ram.Complete(run[missEnd]);
                    missEnd++;
                }

                done = missEnd;
            }
        }
        catch (Exception e)
        {
            Exception error = e is IOException or ObjectDisposedException ? e : new IOException(Redact($"{remote.Url.Name}: {e.GetType().Name}: {e.Message}"));
            for (int i = done; i < run.Length; i++)
            {
                _ram.Fail(run[i], error);
            }
        }
    }

    private async Task FetchNetworkAsync(RemoteObject remote, BlockEntry[] run, int from, int to, RequestTicket ticket)
    {
        long start = run[from].Index * _blockSize;
        long length = 0;
        for (int i = from; i < to; i++)
        {
            length += run[i].Length;
        }

        await WithRetriesAsync(remote.Url.Name, Range(start, length), remote.ETag, async ct =>
        {
            Interlocked.Increment(ref _requests);
            using RangeResponse response = await remote.Backend.GetRangeAsync(remote.Url, remote.ETag, start, length, ct).ConfigureAwait(false);
            long got = 0;
            for (int i = from; i < to; i++)
            {
                Memory<byte> target = run[i].Data.AsMemory(0, run[i].Length);
                while (!target.IsEmpty)
                {
                    int n = await response.Body.ReadAsync(target, ct).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"truncated body: {got} of {length} bytes"));
                    }

                    got += n;
                    target = target[n..];
                }
            }

            Interlocked.Add(ref _bytesFetched, length);
            return true;
        }, ticket).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs one request at a time under the concurrency limit, retrying transient failures with jittered exponential
    /// backoff (<see cref="RetryBackoff"/>) within the budgets. A request without a <paramref name="ticket"/>, or one a
    /// reader waits on, takes a slot before retries nobody waits on yet, and those before read-ahead.
    /// </summary>
    private async Task<T> WithRetriesAsync<T>(string name, string what, string? etag, Func<CancellationToken, Task<T>> request, RequestTicket? ticket = null)
    {
        CancellationToken disposing = _disposing.Token;
        for (int attempt = 1; ; attempt++)
        {
            string reason;
            RequestPriority priority = ticket is null ? RequestPriority.Demand : attempt > 1 ? RequestPriority.Retry : RequestPriority.Ahead;
            await _limiter.WaitAsync(priority, ticket, disposing).ConfigureAwait(false);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(disposing);
                timeout.CancelAfter(_timeout);
                try
                {
                    T result = await request(timeout.Token).ConfigureAwait(false);
                    Refund();
                    return result;
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !disposing.IsCancellationRequested)
                {
                    reason = string.Create(CultureInfo.InvariantCulture, $"no complete response within {_options.RequestTimeoutMilliseconds} ms");
                }
            }
            catch (RemoteChangedException e)
            {
                Interlocked.Increment(ref _failed);
                throw new IOException($"{name}: {what}: the object changed since it was opened (ETag {etag ?? "none"}, now {e.Now}).");
            }
            catch (RemotePermanentException e)
            {
                Interlocked.Increment(ref _failed);
                throw new IOException($"{name}: {what}: {Redact(e.Message)}");
            }
            catch (OperationCanceledException) when (disposing.IsCancellationRequested)
            {
                throw new ObjectDisposedException(nameof(RemoteEngine), $"{name}: {what}: the loader was disposed.");
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                reason = e is RemoteTransientException ? e.Message : e.GetType().Name + ": " + e.Message;
            }
            finally
            {
                _limiter.Release();
            }

            Interlocked.Increment(ref _failed);
            if (attempt > _options.MaxRetries)
            {
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{name}: {what}: failed after {attempt} attempts: {Redact(reason)}."));
            }

            if (Interlocked.Add(ref _retryTokens, -RetryCost) < 0)
            {
                Interlocked.Add(ref _retryTokens, RetryCost);
                throw new IOException(string.Create(CultureInfo.InvariantCulture, $"{name}: {what}: failed after {attempt} attempts, the retry budget of {_options.RetryBudget} being spent: {Redact(reason)}."));
            }

            Interlocked.Increment(ref _retries);
            try
            {
                await Task.Delay(RetryBackoff.Delay(attempt, _options.BackoffMilliseconds, Random.Shared.NextDouble()), disposing).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new ObjectDisposedException(nameof(RemoteEngine), $"{name}: {what}: the loader was disposed.");
            }
        }
    }

    /// <summary>
    /// Gives back a fifth of a retry for a request that succeeded, up to the budget: a steady failure rate under one
    /// request in five never spends the budget over a long run, while an outage spends it within a few hundred
    /// requests and the loader fails with a clear error instead of retrying for ever.
    /// </summary>
    private void Refund()
    {
        int cap = _options.RetryBudget * RetryCost;
        int tokens = Volatile.Read(ref _retryTokens);
        while (tokens < cap)
        {
            int seen = Interlocked.CompareExchange(ref _retryTokens, tokens + 1, tokens);
            if (seen == tokens)
            {
                return;
            }

            tokens = seen;
        }
    }

    private RemoteBackend BackendFor(RemoteUrl url)
    {
        lock (_clientsGate)
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            switch (url.Kind)
            {
                case RemoteUrlKind.S3:
                    string? endpoint = _options.Endpoint ?? (Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL") is { Length: > 0 } fromEnvironment ? fromEnvironment : null);
                    return _s3 ??= new S3Backend(endpoint, _options.Concurrency, _timeout);
                case RemoteUrlKind.AzureContainer:
                case RemoteUrlKind.AzureUri:
                    return _azure ??= new AzureBackend(_timeout);
                default:
                    return _http ??= new HttpBackend(_options.Concurrency, _timeout);
            }
        }
    }

    /// <summary>
    /// Blocks until <paramref name="task"/> completes, then throws its exception if it faulted. A plain blocking wait
    /// spins first; the block's fetch completes on a pool thread, which on a machine with few cores is the very thread
    /// the spinning takes the core from, so the worker sleeps at once on an event without spinning instead.
    /// </summary>
    private static void WaitWithoutSpinning(Task task)
    {
        if (!task.IsCompleted)
        {
            Waiter waiter = s_waiter ??= new Waiter();
            waiter.Event.Reset();
            task.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(waiter.Signal);
            waiter.Event.Wait();
        }

        task.GetAwaiter().GetResult();
    }

    [ThreadStatic]
    private static Waiter? s_waiter;

    /// <summary>One event per thread that waits for blocks, with its signalling delegate made once.</summary>
    private sealed class Waiter
    {
        public Waiter()
        {
            Signal = Event.Set;
        }

        public ManualResetEventSlim Event { get; } = new(initialState: false, spinCount: 0);

        public Action Signal { get; }
    }

    /// <summary>Runs async work from a synchronous caller without capturing its context.</summary>
    private static Task<T> RunAsync<T>(Func<Task<T>> work) => Task.Run(work);

    private static string Range(long start, long length) => string.Create(CultureInfo.InvariantCulture, $"bytes {start}-{start + length - 1}");

    /// <summary>Ordinal glob match of one name segment: <c>*</c> any run, <c>?</c> one character.</summary>
    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
