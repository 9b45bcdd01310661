namespace WindowDataset.Tests.Configuration;

/// <summary>An enum read by the application's own converter (System.Text.Json's string enum converter).</summary>
internal enum AppColour
{
    Red,

    Green,
}
