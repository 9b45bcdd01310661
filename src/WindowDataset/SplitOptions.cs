namespace WindowDataset;

/// <summary>
/// Named, non-overlapping row ranges of the array (<c>"train": [0.0, 0.8]</c>); <see cref="WindowLoaderOptions.Use"/>
/// picks the one a loader reads. Bounds are fractions of the rows when every bound is at most 1 (row
/// <c>floor(f * rows)</c>), else whole global row numbers. Every range except the first (by start) begins
/// <see cref="Gap"/> rows later than its bound, so rows [from, from + gap) of each following range belong to no range.
/// </summary>
public sealed class SplitOptions
{
    /// <summary>Rows left out at the start of each range that follows another. Default 0.</summary>
    public long Gap { get; set; }

    /// <summary>The ranges by name: two numbers each, [from, to) (JSON: keys beside <c>gap</c>).</summary>
    public IDictionary<string, double[]> Ranges { get; set; } = new Dictionary<string, double[]>(StringComparer.Ordinal);

    /// <summary>A deep copy.</summary>
    public SplitOptions Clone()
    {
        var copy = (SplitOptions)MemberwiseClone();
        copy.Ranges = new Dictionary<string, double[]>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, double[]> pair in Ranges)
        {
            copy.Ranges[pair.Key] = pair.Value is null ? null! : (double[])pair.Value.Clone();
        }

        return copy;
    }
}
