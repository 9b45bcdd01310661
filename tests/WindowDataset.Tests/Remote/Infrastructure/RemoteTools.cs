using System.Diagnostics;

namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>
/// The npm servers the remote tests run (s3rver, Azurite), installed on first use into the repository's
/// git-ignored <c>.tools/npm</c>; test processes running at once serialize the install through a lock file.
/// </summary>
public static class RemoteTools
{
    public const string Packages = "s3rver@3.7.1 azurite@3.35.0";
    private static readonly Lock s_gate = new();
    private static string? s_nodeModules;

    /// <summary>The folder holding WindowDataset.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WindowDataset.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"{AppContext.BaseDirectory}: expected WindowDataset.sln in a parent folder; found none.");
    }

    /// <summary>Installs the npm packages unless they are there; returns their node_modules folder.</summary>
    public static string NodeModules()
    {
        lock (s_gate)
        {
            if (s_nodeModules is not null)
            {
                return s_nodeModules;
            }

            string prefix = Path.Combine(RepoRoot(), ".tools", "npm");
            string modules = Path.Combine(prefix, "node_modules");
            string marker = Path.Combine(modules, ".windowds-" + Packages.Replace(' ', '+').Replace('@', '-'));
            if (!File.Exists(marker))
            {
                Directory.CreateDirectory(prefix);
                using FileStream held = AcquireLock(Path.Combine(prefix, "..", "npm.lock"));
                if (!File.Exists(marker))
                {
                    Install(prefix);
                    File.WriteAllText(marker, Packages);
                }
            }

            s_nodeModules = modules;
            return modules;
        }
    }

    private static void Install(string prefix)
    {
        var start = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in (string[])["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", .. Packages.Split(' ')])
        {
            start.ArgumentList.Add(arg);
        }

        using Process npm = Process.Start(start) ?? throw new InvalidOperationException("npm: could not start (is Node.js installed?).");
        Task<string> output = npm.StandardOutput.ReadToEndAsync();
        Task<string> errors = npm.StandardError.ReadToEndAsync();
        if (!npm.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            npm.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"npm install {Packages}: expected to finish within 10 minutes; found it still running.");
        }

        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm install {Packages}: expected exit code 0; found {npm.ExitCode}: {output.Result} {errors.Result}");
        }
    }

    private static FileStream AcquireLock(string path)
    {
        DateTime deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }
}
