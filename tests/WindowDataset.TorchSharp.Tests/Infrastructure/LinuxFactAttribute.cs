namespace WindowDataset.TorchSharp.Tests.Infrastructure;

/// <summary>A fact about Linux-only behaviour: reported as skipped, with the reason, on other systems.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute(string reason)
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = reason;
        }
    }
}
