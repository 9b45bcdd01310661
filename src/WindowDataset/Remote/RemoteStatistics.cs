namespace WindowDataset.Remote;

/// <summary>What an engine did so far.</summary>
/// <param name="Opens">Objects opened (one HEAD or one-byte GET each, retries not counted).</param>
/// <param name="Requests">Ranged GETs sent, retries included.</param>
/// <param name="BytesFetched">Body bytes received from the network (complete responses).</param>
/// <param name="BytesDelivered">Bytes handed to readers.</param>
/// <param name="Retries">Requests retried (each retry once).</param>
/// <param name="FailedRequests">Requests that failed (retried or not).</param>
/// <param name="RamHits">Blocks found in the RAM cache (ready or already being fetched).</param>
/// <param name="DiskHits">Blocks read from the disk cache.</param>
/// <param name="RamBytes">Bytes the RAM cache holds now.</param>
/// <param name="DiskBytes">Bytes this process believes the disk cache holds.</param>
internal sealed record RemoteStatistics(
    long Opens,
    long Requests,
    long BytesFetched,
    long BytesDelivered,
    long Retries,
    long FailedRequests,
    long RamHits,
    long DiskHits,
    long RamBytes,
    long DiskBytes);
