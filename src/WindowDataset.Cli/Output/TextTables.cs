using Spectre.Console;
using Spectre.Console.Rendering;

namespace WindowDataset.Cli.Output;

/// <summary>
/// Plain aligned tables (Spectre.Console, no borders or colours): the first column left-aligned, the others
/// right-aligned, so results stay readable in a terminal and diffable in a file.
/// </summary>
internal static class TextTables
{
    /// <summary>Wide enough that no row of ours wraps: a file or pipe has no width, and a wrapped path breaks scripts.</summary>
    private const int UnboundedWidth = 4096;

    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.None).ShowHeaders();
        for (int i = 0; i < headers.Length; i++)
        {
            // Two spaces between columns, none at the edges.
            var column = new TableColumn(new Text(headers[i])) { Padding = new Padding(0, 0, i == headers.Length - 1 ? 0 : 2, 0) };
            table.AddColumn(i == 0 ? column.LeftAligned() : column.RightAligned());
        }

        return table;
    }

    public static void AddRow(Table table, params string[] cells)
    {
        var row = new IRenderable[cells.Length];
        for (int i = 0; i < cells.Length; i++)
        {
            row[i] = new Text(cells[i]);
        }

        table.AddRow(row);
    }

    /// <summary>Writes <paramref name="table"/> to <paramref name="writer"/>, each line indented by <paramref name="indent"/> spaces.</summary>
    public static void Write(TextWriter writer, Table table, int indent = 2)
    {
        using var text = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(text),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = UnboundedWidth;
        console.Write(table);
        string margin = new(' ', indent);
        foreach (string line in text.ToString().Split('\n'))
        {
            string trimmed = line.TrimEnd();
            if (trimmed.Length > 0)
            {
                writer.WriteLine(margin + trimmed);
            }
        }
    }
}
