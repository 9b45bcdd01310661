using System.Globalization;

namespace WindowDataset.Cli.Commands;

/// <summary>Window starts as text: one integer (a global row) per line; blank lines and lines starting with '#' are skipped.</summary>
internal static class StartsFile
{
    public static List<long> Read(string path)
    {
        InfoCommand.RequireFile(path);
        var starts = new List<long>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            string text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long start))
            {
                throw new InvalidDataException($"{path}:{number}: expected a window start (an integer row >= 0); found '{text}'.");
            }

            starts.Add(start);
        }

        if (starts.Count == 0)
        {
            throw new InvalidDataException($"{path}: expected at least one window start (one integer per line); found none.");
        }

        return starts;
    }

    public static void Write(string path, IEnumerable<long> starts)
    {
        using var writer = new StreamWriter(path);
        foreach (long s in starts)
        {
            writer.WriteLine(s.ToString(CultureInfo.InvariantCulture));
        }
    }
}
