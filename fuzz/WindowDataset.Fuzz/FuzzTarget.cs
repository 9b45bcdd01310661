namespace WindowDataset.Fuzz;

/// <summary>
/// One fuzzing target: runs one input and returns a one-line outcome. Exceptions the API documents for bad
/// input are caught and reported in the outcome; anything else escapes and counts as a crash.
/// </summary>
internal abstract class FuzzTarget : IDisposable
{
    protected FuzzTarget(string name)
    {
        // A private folder per process, under FUZZ_TMP when set (run.sh removes it afterwards: afl-fuzz kills the
        // process, so Dispose does not run), else tmpfs when there is one (inputs are written to a file per execution).
        string root = Environment.GetEnvironmentVariable("FUZZ_TMP") is { Length: > 0 } tmp ? tmp
            : Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        WorkDirectory = Path.Combine(root, $"windowdataset-fuzz-{name}-{Environment.ProcessId}");
        Directory.CreateDirectory(WorkDirectory);
    }

    /// <summary>The folder holding the input file and the data files a config may name.</summary>
    public string WorkDirectory { get; }

    public abstract string Run(ReadOnlySpan<byte> data);

    public void Dispose()
    {
        try
        {
            Directory.Delete(WorkDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>True for the exceptions the library documents for invalid input (the message must name the problem).</summary>
    protected static bool IsExpected(Exception ex, bool allowArgument)
    {
        bool expectedType = ex is InvalidDataException or FileNotFoundException or DirectoryNotFoundException
            || (allowArgument && ex is ArgumentException);
        if (expectedType && string.IsNullOrWhiteSpace(ex.Message))
        {
            throw new HarnessCheckException($"{ex.GetType().Name} without a message.", ex);
        }

        return expectedType;
    }

    /// <summary>Writes the input to a file in <see cref="WorkDirectory"/>, replacing the previous one.</summary>
    protected string WriteInput(string fileName, ReadOnlySpan<byte> data)
    {
        string path = Path.Combine(WorkDirectory, fileName);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read);
        stream.Write(data);
        return path;
    }
}
