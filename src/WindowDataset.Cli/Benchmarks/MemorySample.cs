namespace WindowDataset.Cli.Benchmarks;

/// <summary>Process memory in bytes: RSS; private = Private_Dirty + Private_Hugetlb (memory the process wrote: heap, buffers); Private_Clean (mostly mapped file pages only this process maps, reclaimable); Anonymous.</summary>
internal readonly record struct MemorySample(long Rss, long Private, long PrivateClean, long Anonymous);
