namespace WindowDataset.Synthetic;

/// <summary>The kind of signal <see cref="SyntheticData"/> writes.</summary>
public enum SignalKind
{
    /// <summary>Independent uniform values in [-1, 1): nothing to learn.</summary>
    Random,

    /// <summary>
    /// A learnable multichannel autoregressive process: each channel mixes its own and its neighbour's past values,
    /// a slow sinusoid of its own period, and a little noise, so the next row is predictable from a window.
    /// </summary>
    Ar,
}
