using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace WindowDataset.Cli.CommandLine;

/// <summary>
/// <c>windowds --version</c>: the tool's informational version. System.CommandLine's own action reads the entry
/// assembly, which is the test host when the tool runs in-process.
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(VersionAction).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(VersionAction).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";

    public override int Invoke(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return CliApp.Success;
    }
}
