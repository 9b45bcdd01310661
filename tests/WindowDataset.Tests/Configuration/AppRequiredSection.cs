namespace WindowDataset.Tests.Configuration;

/// <summary>A section with a required key.</summary>
internal sealed class AppRequiredSection
{
    public required string Id { get; init; }

    public int Retries { get; init; } = 3;
}
