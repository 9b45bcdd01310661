namespace WindowDataset.Tests.Sources;

/// <summary>
/// A fact skipped where a file with mode 000 can still be read: as root (CAP_DAC_OVERRIDE), or on file systems
/// without Unix permissions. Detected by trying it, not by the user name.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class UnreadableFilesFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> s_skipReason = new(Probe);

    public UnreadableFilesFactAttribute()
    {
        if (s_skipReason.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        if (OperatingSystem.IsWindows())
        {
            return "Unix file modes do not apply on Windows.";
        }

        string path = Path.Combine(Path.GetTempPath(), $"windowds-perm-probe-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(path, [1]);
            File.SetUnixFileMode(path, UnixFileMode.None);
            using FileStream stream = File.OpenRead(path);
            return "chmod 000 does not stop reads here (running as root or with CAP_DAC_OVERRIDE): the permission error cannot be provoked.";
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
