namespace WindowDataset.Cli.CommandLine;

/// <summary>The command line is wrong in a way only the verb can tell (options that exclude each other, a missing input): exit code 2.</summary>
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
