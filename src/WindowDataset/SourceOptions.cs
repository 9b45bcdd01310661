using System.Text.Json.Serialization;

namespace WindowDataset;

/// <summary>
/// Where an array lives: one file, a list of shards, or a glob, all with the same row shape and dtype,
/// concatenated along axis 0.
/// </summary>
public sealed class SourceOptions
{
    /// <summary>The files, in order. Combined with the matches of <see cref="Glob"/>, if any.</summary>
    public IList<string> Paths { get; set; } = [];

    /// <summary>A file pattern (<c>data/part-*.npy</c>; <c>*</c> and <c>?</c> in the file name part), matched in ordinal order.</summary>
    public string? Glob { get; set; }

    /// <summary>The file format; <see cref="SourceFormat.Auto"/> decides from the extension.</summary>
    public SourceFormat Format { get; set; } = SourceFormat.Auto;

    /// <summary>
    /// HDF5: the dataset's path in the file (<c>/group/name</c>); Zarr: the array's path inside a group
    /// (<c>grp/x</c>). Optional when the file or group holds exactly one array.
    /// </summary>
    public string? Dataset { get; set; }

    /// <summary>S3 sources: the endpoint of an S3-compatible server for this source (path-style addressing). Null: <c>remote.endpoint</c>, else <c>AWS_ENDPOINT_URL</c>, else AWS.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Raw files only: the element type (<c>float64</c>, <c>&lt;f8</c>, <c>&gt;i4</c>...). The JSON key is <c>dtype</c>, as in numpy.</summary>
    [JsonPropertyName("dtype")]
    public string? DType { get; set; }

    /// <summary>Raw files only: the shape of one row (the trailing axes). Empty or null means one element per row.</summary>
    public IList<int>? RowShape { get; set; }

    /// <summary>Raw files only, single file: the row count. Null derives it from the file size.</summary>
    public long? Rows { get; set; }

    /// <summary>Raw files only: bytes to skip at the start of each file.</summary>
    public long HeaderOffset { get; set; }

    /// <summary>A deep copy.</summary>
    public SourceOptions Clone()
    {
        var copy = (SourceOptions)MemberwiseClone();
        copy.Paths = Paths is null ? [] : [.. Paths];
        copy.RowShape = RowShape is null ? null : [.. RowShape];
        return copy;
    }

    /// <summary>Creates options for the given files.</summary>
    public static SourceOptions FromPaths(params string[] paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return new SourceOptions { Paths = [.. paths] };
    }
}
