namespace WindowDataset.Remote;

/// <summary>One cached block of one object: pending until its fetch completes, pinned while readers copy from it.</summary>
internal sealed class BlockEntry(int objectId, long index, byte[] data, int length, bool unread)
{
    public int ObjectId { get; } = objectId;

    public long Index { get; } = index;

    public byte[] Data { get; } = data;

    /// <summary>Valid bytes in <see cref="Data"/> (the last block of an object is short).</summary>
    public int Length { get; } = length;

    /// <summary>
    /// Completes when the bytes are in <see cref="Data"/>, or faults with the fetch's <see cref="IOException"/>.
    /// Continuations run inline: only blocked readers wait on it, and waking them directly saves a pool hop per block.
    /// </summary>
    public TaskCompletionSource Ready { get; } = new();

    // The fields below are guarded by the cache's lock.
    public int Pins;
    public bool Pending = true;
    public bool Removed;

    /// <summary>Fetched by read-ahead and not read yet.</summary>
    public bool Unread = unread;

    public LinkedListNode<BlockEntry>? Node;

    /// <summary>The fetch filling this block (set once before it starts): a reader waiting on the block marks it demanded.</summary>
    public RequestTicket? Ticket;
}
