using System.Text;

namespace WindowDataset.Cli.Output;

/// <summary>A small aligned text table: the first column left-aligned, the others right-aligned.</summary>
internal sealed class TextTable
{
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] header) => _rows.Add(header);

    public void Add(params string[] row) => _rows.Add(row);

    public void WriteTo(TextWriter writer, string indent = "")
    {
        int columns = _rows.Max(r => r.Length);
        int[] widths = new int[columns];
        foreach (string[] row in _rows)
        {
            for (int c = 0; c < row.Length; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (string[] row in _rows)
        {
            var line = new StringBuilder(indent);
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0)
                {
                    line.Append("  ");
                }

                line.Append(c == 0 ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
            }

            writer.WriteLine(line.ToString().TrimEnd());
        }
    }
}
