namespace WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

/// <summary>Finds mpirun: <c>.tools/openmpi</c> in the repository (from <c>.ci/install-openmpi.sh</c>), else PATH.</summary>
public static class OpenMpi
{
    /// <summary>The mpirun to start (a wrapper that sets the unpacked tree's paths), or null when there is none.</summary>
    public static string? Mpirun { get; } = Find();

    private static string? Find()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string local = Path.Combine(dir.FullName, ".tools", "openmpi", "mpirun");
            if (File.Exists(local))
            {
                return local;
            }

            if (File.Exists(Path.Combine(dir.FullName, "WindowDataset.sln")))
            {
                break;
            }
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, "mpirun");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
