using WindowDataset.Cli.Tests.Infrastructure;
using WindowDataset.Tests.Remote.Infrastructure;

namespace WindowDataset.Cli.Tests;

/// <summary><c>windowds take</c> on s3://, az:// and https:// URLs of real local servers equals take on the local file.</summary>
public sealed class TakeRemoteTests
{
    /// <summary>Takes the windows at the starts of cli-starts.txt from <paramref name="source"/> and from the local fixture; both outputs must be identical.</summary>
    internal static void AssertSameAsLocal(string source, params string[] extra)
    {
        using var dir = new TempDirectory();
        string remoteOut = dir.File("remote.npy");
        string localOut = dir.File("local.npy");
        CliResult remote = Tool.Run(["take", source, "--window", "5", "--starts", Tool.Fixture("cli-starts.txt"), "--out", remoteOut, "--batch", "4", "--workers", "2", .. extra]);
        Assert.True(remote.ExitCode == 0, remote.ToString());
        CliResult local = Tool.Run("take", Tool.Fixture("cli-source.npy"), "--window", "5", "--starts", Tool.Fixture("cli-starts.txt"), "--out", localOut, "--batch", "4", "--workers", "2");
        Assert.True(local.ExitCode == 0, local.ToString());
        Assert.Equal(File.ReadAllBytes(localOut), File.ReadAllBytes(remoteOut));
        Assert.Equal(File.ReadAllBytes(Tool.Fixture("cli-take-expected-f8.npy")), File.ReadAllBytes(remoteOut));
    }

    [Fact]
    public void Take_HttpUrl_EqualsTheLocalFile()
    {
        using var server = new RangeServer();
        string url = server.Put("A.npy", File.ReadAllBytes(Tool.Fixture("cli-source.npy")));
        AssertSameAsLocal(url);
    }

    [Fact]
    public void Take_HttpUrlThatIsMissing_OneLineErrorNamingTheUrl()
    {
        using var server = new RangeServer();
        using var dir = new TempDirectory();
        CliResult result = Tool.Run("take", server.Url("missing.npy"), "--window", "5", "--count", "3", "--out", dir.File("w.npy"));

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.Contains(server.Url("missing.npy"), result.Error);
    }
}
