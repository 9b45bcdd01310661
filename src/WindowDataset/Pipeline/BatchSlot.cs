using System.Buffers;
using WindowDataset.Memory;

namespace WindowDataset.Pipeline;

/// <summary>One reusable batch: its buffers (from the allocator) and the starts of the batch it currently holds.</summary>
internal sealed unsafe class BatchSlot
{
    public BatchSlot(IBatchMemory input, IBatchMemory? target, int batchSize)
    {
        Input = input;
        Target = target;
        Shards = new int[batchSize];
        LocalRows = new long[batchSize];
        Starts = new long[batchSize];
        InputManager = new NativeMemoryManager(input);
        TargetManager = target is null ? null : new NativeMemoryManager(target);
    }

    public IBatchMemory Input { get; }

    public IBatchMemory? Target { get; }

    public NativeMemoryManager InputManager { get; }

    public NativeMemoryManager? TargetManager { get; }

    public int[] Shards { get; }

    public long[] LocalRows { get; }

    public long[] Starts { get; }

    public long Epoch { get; set; }

    public long Index { get; set; }

    public int Count { get; set; }

    /// <summary>Bumped every time the slot is handed to a consumer, so a stale <see cref="WindowBatch"/> can tell.</summary>
    public int Generation { get; set; }

    public void Free()
    {
        Input.Dispose();
        Target?.Dispose();
    }

    /// <summary>A <see cref="Memory{T}"/> view of a native buffer (valid while the batch is).</summary>
    internal sealed class NativeMemoryManager(IBatchMemory memory) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new((void*)memory.Pointer, (int)Math.Min(memory.Length, int.MaxValue));

        public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)memory.Pointer + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}
