namespace WindowDataset.Cli.Parsing;

/// <summary>The command line is wrong (unknown option, missing or malformed value): exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
