using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using WindowDataset.Cli.CommandLine;
using WindowDataset.Cli.Output;

namespace WindowDataset.Cli.Commands;

/// <summary><c>windowds info &lt;path&gt;...</c>: dtype, shape, row bytes, data offset, file size, valid window starts and shards.</summary>
internal sealed class InfoCommand : VerbCommand
{
    private readonly SourceArguments _source = new("info");
    private readonly Option<int?> _window = CliOptions.Int("info", "--window", "W", "rows per window for the count of valid starts (default 16)", minimum: 1);
    private readonly Option<bool> _json = CliOptions.Flag("--json", "one machine-readable JSON object");

    public InfoCommand()
        : base("info", "Describes an array (one file or shards concatenated along axis 0): dtype, shape, row bytes, data offset, file size, the number of valid window starts for --window W, and the shards.", "at least one input file")
    {
        _source.AddTo(this, _window, _json);
    }

    public override int Execute(ParseResult result, CommandContext context, CancellationToken cancellationToken)
    {
        int window = result.GetValue(_window) ?? 16;
        SourceOptions source = _source.Bind(result);
        ArrayInfo info = ArrayInfo.Read(source);
        long starts = info.CountWindowStarts(window);
        long fileBytes = info.Shards.Sum(s => s.FileLength);
        long[] shape = [info.Rows, .. info.RowShape.Select(d => (long)d)];
        if (result.GetValue(_json))
        {
            WriteJson(context.Out, info, shape, fileBytes, window, starts);
            return CliApp.Success;
        }

        TextWriter o = context.Out;
        var pairs = new List<(string Key, string Value)>();
        pairs.Add(("dtype", $"{ElementTypeInfo.Name(info.ElementType)} ({info.Descr})"));
        pairs.Add(("shape", Units.Shape(shape)));
        pairs.Add(("row bytes", info.RowBytes.ToString(CultureInfo.InvariantCulture)));
        pairs.Add(("format", info.Shards[0].Format + (info.Shards.Count > 1 ? " (first shard)" : string.Empty)));
        pairs.Add(("data offset", (info.Shards[0].DataOffset < 0 ? "none (chunked: read through the chunk cache)" : info.Shards[0].DataOffset.ToString(CultureInfo.InvariantCulture)) + (info.Shards.Count > 1 ? " (first shard)" : string.Empty)));
        pairs.Add(("file size", $"{fileBytes.ToString(CultureInfo.InvariantCulture)} bytes ({Units.Bytes(fileBytes)})"));
        pairs.Add(($"window starts (W={window})", starts.ToString(CultureInfo.InvariantCulture)));
        pairs.Add(("shards", info.Shards.Count.ToString(CultureInfo.InvariantCulture)));
        int keyWidth = pairs.Max(p => p.Key.Length) + 1;
        foreach ((string key, string value) in pairs)
        {
            o.WriteLine((key + ":").PadRight(keyWidth) + "  " + value);
        }

        if (info.Shards.Count > 1 || source.Paths.Count > 1)
        {
            Table shards = TextTables.Create("#", "rows", "first row", "data offset", "file bytes", "format", "path");
            for (int i = 0; i < info.Shards.Count; i++)
            {
                ShardInfo s = info.Shards[i];
                TextTables.AddRow(shards, i.ToString(CultureInfo.InvariantCulture), s.Rows.ToString(CultureInfo.InvariantCulture), s.FirstRow.ToString(CultureInfo.InvariantCulture),
                    s.DataOffset.ToString(CultureInfo.InvariantCulture), s.FileLength.ToString(CultureInfo.InvariantCulture), s.Format, s.Path);
            }

            o.WriteLine();
            TextTables.Write(o, shards);
        }

        return CliApp.Success;
    }

    /// <summary>An array source: a file, a Zarr directory store, or a URL (checked by the library when it opens).</summary>
    internal static void RequireSource(string path)
    {
        if (path.Contains("://", StringComparison.Ordinal))
        {
            return;
        }

        if (Directory.Exists(path))
        {
            if (File.Exists(Path.Combine(path, ".zarray")) || File.Exists(Path.Combine(path, ".zgroup")) || File.Exists(Path.Combine(path, "zarr.json")))
            {
                return;
            }

            throw new FileNotFoundException($"{path}: expected a file or a Zarr store (a directory with .zarray, .zgroup or zarr.json); found a directory without them.", path);
        }

        RequireFile(path);
    }

    internal static void RequireFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw new FileNotFoundException($"{path}: expected a file; found a directory.", path);
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }
    }

    private static void WriteJson(TextWriter output, ArrayInfo info, long[] shape, long fileBytes, int window, long starts)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteStartArray("paths");
            foreach (ShardInfo s in info.Shards)
            {
                w.WriteStringValue(s.Path);
            }

            w.WriteEndArray();
            w.WriteString("dtype", ElementTypeInfo.Name(info.ElementType));
            w.WriteString("descr", info.Descr);
            w.WriteBoolean("big_endian", info.BigEndian);
            WriteArray(w, "shape", shape);
            WriteArray(w, "row_shape", info.RowShape.Select(d => (long)d));
            w.WriteNumber("rows", info.Rows);
            w.WriteNumber("row_bytes", info.RowBytes);
            w.WriteNumber("data_offset", info.Shards[0].DataOffset);
            w.WriteNumber("file_bytes", fileBytes);
            w.WriteNumber("window", window);
            w.WriteNumber("valid_starts", starts);
            w.WriteStartArray("shards");
            foreach (ShardInfo s in info.Shards)
            {
                w.WriteStartObject();
                w.WriteString("path", s.Path);
                w.WriteString("format", s.Format);
                w.WriteNumber("rows", s.Rows);
                w.WriteNumber("first_row", s.FirstRow);
                w.WriteNumber("data_offset", s.DataOffset);
                w.WriteNumber("file_bytes", s.FileLength);
                w.WriteNumber("valid_starts", Math.Max(0, s.Rows - window + 1));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<long> values)
    {
        w.WriteStartArray(name);
        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }
}
