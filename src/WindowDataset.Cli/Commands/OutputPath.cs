namespace WindowDataset.Cli.Commands;

/// <summary>Checks on output files.</summary>
internal static class OutputPath
{
    /// <summary>Fails with a clear message when the output's folder does not exist or the output is a folder.</summary>
    public static void EnsureDirectory(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw new IOException($"{path}: {option}: expected a file path; found a directory.");
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{path}: {option}: expected an existing folder for the output; found none ({folder}).");
        }
    }
}
