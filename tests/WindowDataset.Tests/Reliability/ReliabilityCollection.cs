namespace WindowDataset.Tests.Reliability;

/// <summary>
/// Reliability tests count the loader's worker threads process-wide, so they run alone: after the parallel
/// tests, one at a time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability (serial)";
}
