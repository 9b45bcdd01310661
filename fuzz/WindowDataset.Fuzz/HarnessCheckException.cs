namespace WindowDataset.Fuzz;

/// <summary>A self-check of the harness failed (the library accepted an input but returned wrong data): a crash.</summary>
internal sealed class HarnessCheckException : Exception
{
    public HarnessCheckException()
    {
    }

    public HarnessCheckException(string message)
        : base(message)
    {
    }

    public HarnessCheckException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
