namespace TrainingSample.MlNet;

/// <summary>A row of the window view as CreateEnumerable fills it (the Features size is set by a schema definition at run time).</summary>
internal sealed class WindowRow
{
    public float[] Features { get; set; } = [];

    public long Start { get; set; }

    public float Label { get; set; }
}
