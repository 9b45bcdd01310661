namespace WindowDataset.Sampling;

/// <summary>
/// Where a window's rows and its target lie relative to its start i: window rows i + k * Dilation (k &lt; Window),
/// next-target rows [i + TargetStart, i + TargetStart + Horizon), a file label at row i + LabelShift.
/// </summary>
internal sealed class WindowGeometry
{
    public WindowGeometry(int window, int dilation, TargetOptions target)
    {
        Window = window;
        Dilation = Math.Max(1, dilation);
        WindowSpan = ((window - 1L) * Dilation) + 1;
        Kind = target.Kind;
        Horizon = target.Kind == TargetKind.Next ? target.Horizon : 0;
        TargetStart = WindowSpan + target.LeadTime;
        LabelShift = ((window - 1L) * Dilation) + target.Offset + target.LeadTime;
        Span = target.Kind == TargetKind.Next ? TargetStart + Horizon : WindowSpan;
    }

    public int Window { get; }

    public int Dilation { get; }

    /// <summary>Rows from the first to the last window row: (W - 1) * d + 1.</summary>
    public long WindowSpan { get; }

    public TargetKind Kind { get; }

    /// <summary>Next-target rows (0 unless the target is <see cref="TargetKind.Next"/>).</summary>
    public int Horizon { get; }

    /// <summary>Offset of the first next-target row from the start: WindowSpan + leadTime.</summary>
    public long TargetStart { get; }

    /// <summary>Offset of the label row from the start: (W - 1) * d + offset + leadTime.</summary>
    public long LabelShift { get; }

    /// <summary>Rows from the start that must lie in one shard: the window, and a next target.</summary>
    public long Span { get; }
}
