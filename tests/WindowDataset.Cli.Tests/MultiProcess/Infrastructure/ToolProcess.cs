using System.Diagnostics;
using WindowDataset.Cli.Tests.Infrastructure;

namespace WindowDataset.Cli.Tests.MultiProcess.Infrastructure;

/// <summary>Runs the built windowds tool as real OS processes (<c>dotnet windowds.dll</c> from the test output), each with its own environment.</summary>
public static class ToolProcess
{
    /// <summary>Launcher variables removed from every child's inherited environment, so only what a test sets is seen.</summary>
    private static readonly string[] s_launcherVariables =
    [
        "RANK", "WORLD_SIZE", "LOCAL_RANK", "OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMI_SIZE",
        "SLURM_PROCID", "SLURM_NTASKS", "JOB_COMPLETION_INDEX",
    ];

    public static string ToolDll { get; } = Path.Combine(AppContext.BaseDirectory, "windowds.dll");

    /// <summary>The dotnet host running the tests (set by <c>dotnet test</c>), else the one on PATH.</summary>
    public static string Dotnet { get; } = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Starts <c>dotnet windowds.dll args</c> with <paramref name="environment"/> on top of the cleaned inherited one.</summary>
    public static Task<CliResult> RunAsync(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) =>
        RunAsync(Dotnet, [ToolDll, .. args], environment);

    /// <summary>Starts any program (mpirun) the same way: launcher variables cleaned, <paramref name="environment"/> added.</summary>
    public static async Task<CliResult> RunAsync(string program, IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (string name in s_launcherVariables)
        {
            info.Environment.Remove(name);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_TieredPGO"] = "0"; // start-up time: these processes live a fraction of a second
        foreach ((string name, string value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran past 120 s; stderr so far: {(stderr.IsCompleted ? stderr.Result : string.Empty)}");
        }

        return new CliResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>Runs one process per environment, all at once, and waits for every one.</summary>
    public static Task<CliResult[]> RunAllAsync(Func<int, IReadOnlyList<string>> args, IReadOnlyList<IReadOnlyDictionary<string, string>> environments) =>
        Task.WhenAll(environments.Select((env, i) => RunAsync(args(i), env)));
}
