using System.Diagnostics;
using System.Threading.Channels;
using WindowDataset.Diagnostics;
using WindowDataset.Memory;

namespace WindowDataset.Pipeline;

/// <summary>
/// One enumeration of one epoch: worker threads claim batch indexes in order, fill free slots, and publish each
/// batch's completion through a bounded channel in batch order, so the consumer sees batches in order whatever
/// the thread timing. Memory is bounded by the slot pool: a worker claims a batch only once it holds a free slot.
/// </summary>
internal sealed class EpochRun : IDisposable
{
    private readonly BatchGatherer _gatherer;
    private readonly BufferPool _pool;
    private readonly BatchLayout _layout;
    private readonly LoaderMetrics _metrics;
    private readonly long _firstEpoch;
    private readonly long _firstBatch;
    private readonly long _batchesPerEpoch;
    private readonly long _end;
    private readonly int _readAhead;

    private readonly WorkerScratch _scratch;
    private readonly Channel<Task<BatchSlot>> _ready;
    private readonly CancellationTokenSource _stop;
    private readonly Thread[] _threads;
    private readonly Lock _claim = new();
    private readonly long _startTimestamp;
    private long _next;
    private bool _stopped;

    // Adaptive workers (null controller: all threads claim). Worker i claims only while i < _active; the others
    // park on their event (no CPU) until the controller, on the consumer's thread, raises _active or the run stops.
    private readonly WorkerController? _controller;
    private readonly ManualResetEventSlim[]? _wake;
    private readonly long[] _busyTicks;
    private readonly long[] _busySince;
    private volatile int _active;
    private long _intervalStart;
    private long _intervalWait;
    private long _intervalBusy;
    private bool _firstDelivered;

    /// <summary>The batch the consumer took from the channel and has not delivered yet (returned by <see cref="Dispose"/> if it never is).</summary>
    private Task<BatchSlot>? _taken;

    /// <summary>Guards the hand-over of <see cref="_taken"/> between the consumer and <see cref="Dispose"/>.</summary>
    private readonly Lock _handoff = new();

    /// <summary>Set by <see cref="Dispose"/>: a batch the consumer takes from the channel after this is the consumer's to return.</summary>
    private bool _closed;
    private readonly Lock _disposeGate = new();
    private bool _disposed;

    public EpochRun(BatchGatherer gatherer, BufferPool pool, WorkerScratch scratch, BatchLayout layout, LoaderMetrics metrics, long epoch, long startBatch, long count, int workers, int readAhead, CancellationToken cancellationToken, CancellationToken disposing, WorkerController? controller = null)
    {
        _gatherer = gatherer;
        _pool = pool;
        _layout = layout;
        _metrics = metrics;
        // Batches are numbered 0.._end-1 in stream order; number k is batch (_firstBatch + k) mod P of epoch
        // _firstEpoch + (_firstBatch + k) / P, so one run can cross epoch boundaries without stopping its workers.
        _firstEpoch = epoch;
        _firstBatch = startBatch;
        _batchesPerEpoch = gatherer.Sampler.BatchesPerEpoch;
        _next = 0;
        _end = count;
        _readAhead = readAhead;
        _scratch = scratch;
        _ready = Channel.CreateBounded<Task<BatchSlot>>(new BoundedChannelOptions(pool.Capacity) { SingleReader = false, SingleWriter = false, FullMode = BoundedChannelFullMode.Wait });
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing);
        _startTimestamp = Stopwatch.GetTimestamp();
        metrics.RunStarted(_startTimestamp);
        if (_next >= _end)
        {
            _ready.Writer.TryComplete();
        }

        _controller = controller;
        _active = controller?.Active ?? workers;
        _busyTicks = new long[workers];
        _busySince = new long[workers];
        if (controller is not null)
        {
            Debug.Assert(controller.Max == workers);
            _wake = new ManualResetEventSlim[workers];
            for (int i = 0; i < workers; i++)
            {
                _wake[i] = new ManualResetEventSlim(i < _active);
            }
        }

        _intervalStart = _startTimestamp;
        metrics.WorkersStarted(workers, _active, controller is not null, _startTimestamp);
        _threads = new Thread[workers];
        for (int i = 0; i < workers; i++)
        {
            int worker = i;
            _threads[i] = new Thread(() => WorkerLoop(worker)) { IsBackground = true, Name = $"WindowDataset worker {i}" };
        }

        // Read-ahead for the first batches, which no earlier worker announced.
        HintRange(0, Math.Min(_end, readAhead));
        foreach (Thread t in _threads)
        {
            t.Start();
        }
    }

    public CancellationToken Token => _stop.Token;

    /// <summary>Waits for the next batch in order; null at the end of the epoch.</summary>
    public BatchSlot? Next()
    {
        CancellationToken token = _stop.Token;
        if (!_ready.Reader.TryRead(out Task<BatchSlot>? task))
        {
            _pool.Flush();
            long waitStart = Stopwatch.GetTimestamp();
            try
            {
                while (!_ready.Reader.TryRead(out task))
                {
                    if (!_ready.Reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
                    {
                        return null;
                    }
                }
            }
            finally
            {
                Waited(Stopwatch.GetTimestamp() - waitStart);
            }
        }

        if (!Hold(task))
        {
            ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
            ReturnOrphan(task, token);
        }

        if (!task.IsCompleted)
        {
            _pool.Flush();
            long waitStart = Stopwatch.GetTimestamp();
            try
            {
                task.Wait(token);
            }
            catch (AggregateException)
            {
                // Rethrown unwrapped below.
            }
            finally
            {
                Waited(Stopwatch.GetTimestamp() - waitStart);
            }
        }

        return Deliver(task, token);
    }

    /// <summary>Awaits the next batch in order; null at the end of the epoch.</summary>
    public async ValueTask<BatchSlot?> NextAsync()
    {
        CancellationToken token = _stop.Token;
        if (!_ready.Reader.TryRead(out Task<BatchSlot>? task))
        {
            _pool.Flush();
            long waitStart = Stopwatch.GetTimestamp();
            try
            {
                while (!_ready.Reader.TryRead(out task))
                {
                    if (!await _ready.Reader.WaitToReadAsync(token).ConfigureAwait(false))
                    {
                        return null;
                    }
                }
            }
            finally
            {
                Waited(Stopwatch.GetTimestamp() - waitStart);
            }
        }

        if (!Hold(task))
        {
            await ((Task)task).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ReturnOrphan(task, token);
        }

        if (!task.IsCompleted)
        {
            _pool.Flush();
            long waitStart = Stopwatch.GetTimestamp();
            try
            {
                await ((Task)task).WaitAsync(token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                token.ThrowIfCancellationRequested();
            }
            finally
            {
                Waited(Stopwatch.GetTimestamp() - waitStart);
            }
        }

        return Deliver(task, token);
    }

    /// <summary>Stops the workers (within the time one window read takes), waits for them, and returns every slot to the pool.</summary>
    public void Dispose()
    {
        // A second caller (the loader's Dispose racing the consumer's end of enumeration) waits until the workers
        // are joined and the slots returned: only then may the loader close its sources.
        lock (_disposeGate)
        {
            if (_disposed)
            {
                return;
            }

            DisposeCore();
            _disposed = true;
        }
    }

    private void DisposeCore()
    {

        lock (_claim)
        {
            _stopped = true;
        }

        Task<BatchSlot>? taken;
        lock (_handoff)
        {
            _closed = true;
            taken = _taken;
            _taken = null;
        }

        _pool.Flush();
        _stop.Cancel();
        foreach (Thread t in _threads)
        {
            if (t.IsAlive && t != Thread.CurrentThread)
            {
                t.Join();
            }
        }

        // Batches finished but never delivered go back to the pool: the one the consumer took, and the rest.
        if (taken is { IsCompletedSuccessfully: true })
        {
            _pool.Return(taken.Result);
        }

        while (_ready.Reader.TryRead(out Task<BatchSlot>? task))
        {
            if (task.IsCompletedSuccessfully)
            {
                _pool.Return(task.Result);
            }
        }

        long end = Stopwatch.GetTimestamp();
        _metrics.WorkersStopped(end);
        _metrics.RunEnded(_startTimestamp, end);
        if (_wake is not null)
        {
            foreach (ManualResetEventSlim wake in _wake)
            {
                wake.Dispose();
            }
        }

        _stop.Dispose();
    }

    /// <summary>Records the batch the consumer took from the channel, so Dispose returns it if it is never delivered; false once Dispose has run.</summary>
    private bool Hold(Task<BatchSlot> task)
    {
        lock (_handoff)
        {
            if (_closed)
            {
                return false;
            }

            Debug.Assert(_taken is null, "the consumer takes one batch at a time");
            _taken = task;
            return true;
        }
    }

    /// <summary>
    /// A batch read from the channel after Dispose collected the slots it could see: only this consumer knows of it,
    /// so it returns the slot (once the worker has finished with it) and reports the cancellation.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ReturnOrphan(Task<BatchSlot> completed, CancellationToken token)
    {
        Debug.Assert(completed.IsCompleted);
        if (completed.IsCompletedSuccessfully)
        {
            _pool.Return(completed.Result);
        }

        throw new OperationCanceledException(token);
    }

    private void Waited(long ticks)
    {
        _metrics.ConsumerWaited(ticks);
        if (_firstDelivered)
        {
            _intervalWait += ticks; // the first batch's wait is start-up: no worker count shortens it
        }
    }

    /// <summary>On the consumer's thread, once per interval: lets the controller move the active count by one.</summary>
    private void Adapt()
    {
        long now = Stopwatch.GetTimestamp();
        if (!_firstDelivered)
        {
            _firstDelivered = true;
            (_intervalStart, _intervalWait, _intervalBusy) = (now, 0, BusyTicks(now));
            return;
        }

        long elapsed = now - _intervalStart;
        if (elapsed < WorkerController.IntervalTicks)
        {
            return;
        }

        long busyNow = BusyTicks(now);
        long busy = Math.Max(0, busyNow - _intervalBusy);
        int from = _controller!.Active;
        double seconds = elapsed / (double)Stopwatch.Frequency;
        double wait = _intervalWait / (double)Stopwatch.Frequency;
        double busySeconds = busy / (double)Stopwatch.Frequency;
        int to = _controller.Decide(seconds, wait, busySeconds);
        (_intervalStart, _intervalWait, _intervalBusy) = (now, 0, busyNow);
        if (to == from)
        {
            return;
        }

        _active = to;
        if (to > from)
        {
            _wake![to - 1].Set();
        }

        _metrics.WorkersChanged(from, to, Math.Clamp(wait / seconds, 0, 1), Math.Clamp(busySeconds / (seconds * from), 0, 1), now);
    }

    /// <summary>Time all workers spent on batches so far, the batches in progress included up to <paramref name="now"/>.</summary>
    private long BusyTicks(long now)
    {
        long total = 0;
        for (int i = 0; i < _busyTicks.Length; i++)
        {
            long since = Volatile.Read(ref _busySince[i]);
            total += Volatile.Read(ref _busyTicks[i]) + (since != 0 ? Math.Max(0, now - since) : 0);
        }

        return total;
    }

    /// <summary>Parks worker <paramref name="worker"/> while it is not active; false when the run stops meanwhile.</summary>
    private bool AwaitActive(int worker, CancellationToken token)
    {
        ManualResetEventSlim wake = _wake![worker];
        while (worker >= _active)
        {
            wake.Reset();
            if (worker < _active)
            {
                break; // raised between the check and the reset
            }

            try
            {
                wake.Wait(token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return !token.IsCancellationRequested;
    }

    private BatchSlot Deliver(Task<BatchSlot> task, CancellationToken token)
    {
        // A cancelled run keeps the taken batch in _taken: Dispose returns its slot once the workers have stopped.
        token.ThrowIfCancellationRequested();
        lock (_handoff)
        {
            if (_taken != task)
            {
                throw new OperationCanceledException(token); // disposed concurrently: Dispose owns the slot now
            }

            _taken = null;
        }

        BatchSlot slot = task.GetAwaiter().GetResult(); // rethrows a worker's exception (the worker returned its slot)
        if (_controller is not null)
        {
            Adapt();
        }

        _metrics.Delivered(slot.Count, (slot.Count * (_layout.WindowBytes + (_layout.ExtraInputBatchBytes / _layout.BatchSize))) + (slot.Target is null ? 0 : slot.Count * _layout.TargetItemBytes));
        return slot;
    }

    private void WorkerLoop(int worker)
    {
        CancellationToken token = _stop.Token;
        int[] hintShards = new int[_layout.BatchSize];
        long[] hintRows = new long[_layout.BatchSize];
        long[] hintStarts = new long[_layout.BatchSize];
        var readAhead = new ReadAheadPolicy(_readAhead);

        Span<byte> scratch = _scratch.For(worker);
        while (true)
        {
            if (_wake is not null && worker >= _active && !AwaitActive(worker, token))
            {
                return;
            }

            BatchSlot slot;
            long waitStart = Stopwatch.GetTimestamp();
            try
            {
                slot = _pool.Take(token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            finally
            {
                _metrics.ProducerWaited(Stopwatch.GetTimestamp() - waitStart);
            }

            if (_wake is not null && worker >= _active)
            {
                _pool.Return(slot); // parked while it waited for the slot: an active worker takes it
                continue;
            }

            long batch;
            TaskCompletionSource<BatchSlot> completion;
            long busyStart = Stopwatch.GetTimestamp();
            lock (_claim)
            {
                if (_stopped || token.IsCancellationRequested || _next >= _end)
                {
                    _pool.Return(slot);
                    return;
                }

                batch = _next++;
                completion = new TaskCompletionSource<BatchSlot>(TaskCreationOptions.RunContinuationsAsynchronously);
                bool written = _ready.Writer.TryWrite(completion.Task);
                Debug.Assert(written, "the ready channel holds at most one entry per slot");
                if (_next == _end)
                {
                    _ready.Writer.TryComplete();
                }
            }

            Volatile.Write(ref _busySince[worker], busyStart);
            try
            {
                (long epoch, long index) = Locate(batch);
                _gatherer.Prepare(slot, epoch, index);
                if (readAhead.ShouldAnnounce)
                {
                    // Cold data: put this batch's windows in flight all at once (the disk needs queue depth; a
                    // page fault or read at a time leaves it idle), and announce a later batch as well.
                    _gatherer.Hint(slot);
                    if (batch + readAhead.Distance < _end)
                    {
                        (long aheadEpoch, long aheadIndex) = Locate(batch + readAhead.Distance);
                        _gatherer.Hint(aheadEpoch, aheadIndex, hintShards, hintRows, hintStarts);
                    }
                }

                long gatherStart = Stopwatch.GetTimestamp();
                _gatherer.Gather(slot, scratch, uncached: readAhead.Cold, token);
                readAhead.Record(slot.Count * _layout.WindowBytes, Stopwatch.GetElapsedTime(gatherStart).TotalSeconds);
                slot.NotifyFilled();
                long busyEnd = Stopwatch.GetTimestamp();
                Volatile.Write(ref _busyTicks[worker], _busyTicks[worker] + (busyEnd - busyStart));
                Volatile.Write(ref _busySince[worker], 0);
                completion.SetResult(slot);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Other workers see the cancelled token before claiming, so this slot cannot refill the channel.
                completion.TrySetCanceled(token);
                _pool.Return(slot);
                return;
            }
            catch (Exception ex)
            {
                // Stop claiming before the slot goes back: a new claim would find the channel full.
                lock (_claim)
                {
                    _stopped = true;
                    _ready.Writer.TryComplete(ex);
                }

                completion.TrySetException(ex);
                _pool.Return(slot);
                return;
            }
        }
    }

    /// <summary>The (epoch, batch index) of stream position <paramref name="k"/>.</summary>
    private (long Epoch, long Batch) Locate(long k)
    {
        long position = _firstBatch + k;
        return (_firstEpoch + (position / _batchesPerEpoch), position % _batchesPerEpoch);
    }

    private void HintRange(long from, long to)
    {
        if (from >= to)
        {
            return;
        }

        int[] shards = new int[_layout.BatchSize];
        long[] rows = new long[_layout.BatchSize];
        long[] starts = new long[_layout.BatchSize];
        for (long b = from; b < to; b++)
        {
            (long epoch, long index) = Locate(b);
            _gatherer.Hint(epoch, index, shards, rows, starts);
        }
    }
}
