namespace WindowDataset;

/// <summary>What the loader does about missing values (NaN, +inf, -inf) in the input rows.</summary>
public enum MissingValues
{
    /// <summary>Deliver them as they are.</summary>
    Keep,

    /// <summary>
    /// Never sample a window whose rows (or target rows) contain one: those starts are removed from the valid starts
    /// before sampling, using a bitmap of the rows that hold a missing value (a sidecar next to the data).
    /// </summary>
    SkipWindows,

    /// <summary>Replace each missing value by <see cref="WindowLoaderOptions.FillValue"/>, or by its element's mean from the statistics file when that is null.</summary>
    Fill,
}
