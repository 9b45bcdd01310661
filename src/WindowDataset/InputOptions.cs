using System.Text.Json.Serialization;

namespace WindowDataset;

/// <summary>
/// One of several aligned arrays (<see cref="WindowLoaderOptions.Inputs"/>): a source with a name, read at the same
/// window rows as the others. Every input has the same total row count; shards, dtype, row shape and format may differ.
/// The source keys are those of <see cref="SourceOptions"/>.
/// </summary>
public sealed class InputOptions
{
    /// <summary>The input's name: the key of its tensor (TorchSharp) and its column (ML.NET). Unique and non-empty.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The files, in order. Combined with the matches of <see cref="Glob"/>, if any.</summary>
    public IList<string> Paths { get; set; } = [];

    /// <summary>A file pattern (<c>data/part-*.npy</c>), matched in ordinal order.</summary>
    public string? Glob { get; set; }

    /// <summary>The file format; <see cref="SourceFormat.Auto"/> decides from the extension.</summary>
    public SourceFormat Format { get; set; } = SourceFormat.Auto;

    /// <summary>HDF5 dataset path or Zarr array path (see <see cref="SourceOptions.Dataset"/>).</summary>
    public string? Dataset { get; set; }

    /// <summary>S3 sources: the endpoint for this input (see <see cref="SourceOptions.Endpoint"/>).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Raw files only: the element type. The JSON key is <c>dtype</c>.</summary>
    [JsonPropertyName("dtype")]
    public string? DType { get; set; }

    /// <summary>Raw files only: the shape of one row.</summary>
    public IList<int>? RowShape { get; set; }

    /// <summary>Raw files only, single file: the row count.</summary>
    public long? Rows { get; set; }

    /// <summary>Raw files only: bytes to skip at the start of each file.</summary>
    public long HeaderOffset { get; set; }

    /// <summary>Element type of this input's windows. Null: the loader's <see cref="WindowLoaderOptions.OutputType"/>, else the file's.</summary>
    public ElementType? OutputType { get; set; }

    /// <summary>A deep copy.</summary>
    public InputOptions Clone()
    {
        var copy = (InputOptions)MemberwiseClone();
        copy.Paths = Paths is null ? [] : [.. Paths];
        copy.RowShape = RowShape is null ? null : [.. RowShape];
        return copy;
    }

    /// <summary>Creates an input for the given files.</summary>
    public static InputOptions FromPaths(string name, params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new InputOptions { Name = name, Paths = [.. paths] };
    }

    /// <summary>The source part, as the readers open it.</summary>
    internal SourceOptions ToSource() => new()
    {
        Paths = Paths is null ? [] : [.. Paths],
        Glob = Glob,
        Format = Format,
        Dataset = Dataset,
        Endpoint = Endpoint,
        DType = DType,
        RowShape = RowShape is null ? null : [.. RowShape],
        Rows = Rows,
        HeaderOffset = HeaderOffset,
    };
}
