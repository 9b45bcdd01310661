namespace WindowDataset.Memory;

/// <summary>What a batch buffer holds.</summary>
public enum BatchBufferRole
{
    /// <summary>The input windows, shape (B, W, *rowShape).</summary>
    Input,

    /// <summary>The targets, shape (B, H, *rowShape) or (B, *labelShape).</summary>
    Target,
}
