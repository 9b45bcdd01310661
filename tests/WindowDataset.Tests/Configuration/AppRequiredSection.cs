namespace WindowDataset.Tests.Configuration;

/// <summary>
/// A section with a required key. Settable properties, not <c>init</c>: the source generator binds init-only
/// properties like constructor parameters, so one missing from the JSON would lose its default.
/// </summary>
internal sealed class AppRequiredSection
{
    public required string Id { get; set; }

    public int Retries { get; set; } = 3;

    public string Mode { get; set; } = "fast";
}
