namespace WindowDataset.Memory;

/// <summary>One reusable batch: its buffers (from the allocator) and the starts of the batch it currently holds.</summary>
internal sealed class BatchSlot
{
    public BatchSlot(IBatchMemory input, IBatchMemory? target, int batchSize, IBatchMemory[]? extra = null)
    {
        Input = input;
        Extra = extra ?? [];
        Target = target;
        Shards = new int[batchSize];
        LocalRows = new long[batchSize];
        Starts = new long[batchSize];
        ReadKeys = new long[batchSize];
        ReadOrder = new int[batchSize];
        int observers = (input is IBatchMemoryFillObserver ? 1 : 0) + (target is IBatchMemoryFillObserver ? 1 : 0);
        foreach (IBatchMemory memory in Extra)
        {
            observers += memory is IBatchMemoryFillObserver ? 1 : 0;
        }

        _observers = observers == 0 ? [] : new IBatchMemoryFillObserver[observers];
        int next = 0;
        AddObserver(input, ref next);
        AddObserver(target, ref next);
        foreach (IBatchMemory memory in Extra)
        {
            AddObserver(memory, ref next);
        }
    }

    /// <summary>The buffers that implement <see cref="IBatchMemoryFillObserver"/>, the input's first (found once, not per batch).</summary>
    private readonly IBatchMemoryFillObserver[] _observers;

    public IBatchMemory Input { get; }

    public IBatchMemory? Target { get; }

    /// <summary>The buffers of aligned inputs 1.. (one per input, without concat); empty otherwise.</summary>
    public IBatchMemory[] Extra { get; }

    public int[] Shards { get; }

    public long[] LocalRows { get; }

    public long[] Starts { get; }

    /// <summary>The read planner's sort keys (shard, local row) and the batch positions they came from: scratch that lives with the slot, so planning allocates nothing.</summary>
    public long[] ReadKeys { get; }

    /// <summary>See <see cref="ReadKeys"/>.</summary>
    public int[] ReadOrder { get; }

    /// <summary>0 for a batch in (Count, Window, *row) layout; else the bytes between window starts of a strided view over one run.</summary>
    public long WindowStrideBytes { get; set; }

    public long Epoch { get; set; }

    public long Index { get; set; }

    public int Count { get; set; }

    /// <summary>Bumped every time the slot's batch is disposed, so a stale <see cref="WindowBatch"/> or <see cref="Memory{T}"/> can tell.</summary>
    public int Generation => Volatile.Read(ref _generation);

    private int _generation;

    /// <summary>Allocates the buffers of one slot and checks the allocator kept its contract.</summary>
    public static BatchSlot Create(IBatchMemoryAllocator allocator, BatchBufferRequest input, BatchBufferRequest? target, IReadOnlyList<BatchBufferRequest>? extra = null)
    {
        IBatchMemory inputMemory = Allocate(allocator, input);
        IBatchMemory? targetMemory = null;
        IBatchMemory[] extraMemory = extra is null || extra.Count == 0 ? [] : new IBatchMemory[extra.Count];
        try
        {
            if (target is not null)
            {
                targetMemory = Allocate(allocator, target);
            }

            for (int k = 0; k < extraMemory.Length; k++)
            {
                extraMemory[k] = Allocate(allocator, extra![k]);
            }
        }
        catch
        {
            inputMemory.Dispose();
            targetMemory?.Dispose();
            foreach (IBatchMemory? m in extraMemory)
            {
                m?.Dispose();
            }

            throw;
        }

        return new BatchSlot(inputMemory, targetMemory, (int)input.Shape[0], extraMemory);
    }

    /// <summary>Tells the buffers that observe fills that this slot's batch is written (on the worker that wrote it).</summary>
    public void NotifyFilled()
    {
        IBatchMemoryFillObserver[] observers = _observers;
        for (int i = 0; i < observers.Length; i++)
        {
            // Only the input holds a strided run; targets and aligned inputs are always (Count, ...) batches.
            observers[i].OnFilled(Count, WindowStrideBytes != 0 && ReferenceEquals(observers[i], Input));
        }
    }

    /// <summary>Ends the current lease: every view handed out for it turns invalid.</summary>
    public void EndLease() => Interlocked.Increment(ref _generation);

    public void Free()
    {
        Input.Dispose();
        Target?.Dispose();
        foreach (IBatchMemory extra in Extra)
        {
            extra.Dispose();
        }
    }

    private void AddObserver(IBatchMemory? memory, ref int next)
    {
        if (memory is IBatchMemoryFillObserver observer)
        {
            _observers[next++] = observer;
        }
    }

    private static IBatchMemory Allocate(IBatchMemoryAllocator allocator, BatchBufferRequest request)
    {
        IBatchMemory memory = allocator.Allocate(request) ?? throw new InvalidOperationException($"{allocator.GetType().Name}.Allocate returned null.");
        if (memory.Length < request.ByteLength || memory.Pointer % BatchBufferRequest.RequiredAlignment != 0)
        {
            memory.Dispose();
            throw new InvalidOperationException(
                $"{allocator.GetType().Name}.Allocate: expected at least {request.ByteLength} bytes aligned to {BatchBufferRequest.RequiredAlignment}; found {memory.Length} bytes at 0x{memory.Pointer:X}.");
        }

        return memory;
    }
}
