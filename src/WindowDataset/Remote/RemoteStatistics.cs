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
/// <param name="ObjectsReadAhead">Whole-object GETs (Zarr chunks) sent ahead of a demand read.</param>
/// <param name="ObjectReadAheadReady">Demand reads of a whole object that found its read-ahead GET complete.</param>
/// <param name="ObjectReadAheadJoined">Demand reads of a whole object that waited for its read-ahead GET still in flight.</param>
/// <param name="ObjectReadAheadPeakBytes">The most bytes the whole-object read-ahead held or reserved at once.</param>
/// <param name="ObjectReadAheadDropped">Whole-object hints dropped for want of room, and read-ahead dropped unread.</param>
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
    long DiskBytes,
    long ObjectsReadAhead = 0,
    long ObjectReadAheadReady = 0,
    long ObjectReadAheadJoined = 0,
    long ObjectReadAheadPeakBytes = 0,
    long ObjectReadAheadDropped = 0);
