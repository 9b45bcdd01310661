namespace WindowDataset.Tests.Configuration;

/// <summary>A nested object of <see cref="AppSection"/>.</summary>
internal sealed class AppInnerSection
{
    public long Size { get; set; }

    public bool Enabled { get; set; }
}
