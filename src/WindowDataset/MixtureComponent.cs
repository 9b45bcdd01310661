namespace WindowDataset;

/// <summary>
/// One dataset of a mixture (<see cref="WindowLoaderOptions.Mixture"/>): its source and its weight. Every
/// component shares the loader's window, target, output type and sampler; its windows never cross into another
/// component's rows.
/// </summary>
public sealed class MixtureComponent
{
    /// <summary>Relative weight (finite, &gt; 0): the component's share of each epoch is its weight over the sum of all weights.</summary>
    public double Weight { get; set; } = 1;

    /// <summary>The component's array (files, shards or a glob, as <see cref="WindowLoaderOptions.Source"/>).</summary>
    public SourceOptions Source { get; set; } = new();

    /// <summary>A deep copy.</summary>
    public MixtureComponent Clone()
    {
        var copy = (MixtureComponent)MemberwiseClone();
        copy.Source = Source?.Clone()!;
        return copy;
    }
}
