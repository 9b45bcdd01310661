namespace WindowDataset.Memory;

/// <summary>
/// Implemented by an <see cref="IBatchMemory"/> that wants to know when a worker has filled it.
/// <see cref="OnFilled"/> runs on that worker's thread after the batch's windows are written and before the batch
/// is handed to the consumer, so per-batch work such as wrapping the buffer for a framework leaves the training
/// loop's thread. What it prepares is read by the consumer after the hand-over, which orders the two.
/// </summary>
public interface IBatchMemoryFillObserver
{
    /// <summary>Called once per batch written into this buffer; an exception fails the batch like a read error.</summary>
    /// <param name="count">Windows in the batch (the batch size, or fewer for an epoch's last batch).</param>
    /// <param name="strided">True when the buffer holds one run of rows that the batch's windows overlap in (<see cref="WindowBatch.IsStrided"/>).</param>
    void OnFilled(int count, bool strided);
}
