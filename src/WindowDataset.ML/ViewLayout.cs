namespace WindowDataset.ML;

/// <summary>The fixed shape of a view's rows and columns, computed once when the view is created.</summary>
internal sealed record ViewLayout(
    long Epoch,
    int BatchSize,
    long RowCount,
    long BatchCount,
    ElementType FeatureType,
    int FeatureLength,
    int WindowBytes,
    bool HasLabel,
    ElementType LabelType,
    int LabelItemElements,
    int? LabelIndex)
{
    public const int FeaturesColumn = 0;
    public const int StartColumn = 1;
    public const int LabelColumn = 2;

    /// <summary>One column per aligned input (<see cref="WindowLoaderOptions.Inputs"/>, without concat), after the others; empty otherwise.</summary>
    public InputColumn[] InputColumns { get; init; } = [];
}
