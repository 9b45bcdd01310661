namespace WindowDataset.Tests.Infrastructure;

/// <summary>Tests that change process-wide state (environment variables) run in this collection, never beside others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "Process environment";
}
