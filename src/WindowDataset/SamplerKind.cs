namespace WindowDataset;

/// <summary>How window start rows are chosen in an epoch.</summary>
public enum SamplerKind
{
    /// <summary>Starts drawn uniformly with replacement from all valid starts.</summary>
    Uniform,

    /// <summary>Every valid start exactly once per epoch, in an order derived from (seed, epoch), in O(1) memory.</summary>
    Permutation,

    /// <summary>Valid starts 0, stride, 2*stride... in order (evaluation).</summary>
    Sequential,
}
