using System.Globalization;
using System.Text.Json;

namespace WindowDataset.Cli.Tests.Infrastructure;

/// <summary>Runs the tool in-process and captures its streams.</summary>
public static class Tool
{
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliApp.Run(args, stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The fixtures folder copied next to the test assembly.</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>The numpy-computed expectations written by make_cli_fixtures.py.</summary>
    public static JsonElement Expected()
    {
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(Fixture("cli-expected.json")));
        return doc.RootElement.Clone();
    }
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    /// <summary>Stderr lines (the error contract is one line, without --verbose).</summary>
    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}\nstdout: {Out}\nstderr: {Error}";
}
