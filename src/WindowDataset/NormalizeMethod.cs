namespace WindowDataset;

/// <summary>How <see cref="NormalizeOptions"/> scales each element of the row.</summary>
public enum NormalizeMethod
{
    /// <summary><c>(x - mean) / std</c>: zero mean, unit variance over the rows the statistics counted.</summary>
    Standard,

    /// <summary><c>(x - min) / (max - min)</c>: the counted rows' values in [0, 1].</summary>
    MinMax,

    /// <summary>No scaling: the statistics only supply the means that <see cref="MissingValues.Fill"/> fills in.</summary>
    None,
}
