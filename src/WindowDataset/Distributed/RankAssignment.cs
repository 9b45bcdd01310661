namespace WindowDataset.Distributed;

/// <summary>This process's rank and world size, and a sentence saying where they came from.</summary>
/// <param name="Rank">The rank, in [0, WorldSize).</param>
/// <param name="WorldSize">The number of ranks.</param>
/// <param name="Source">For example "rank 2 of 4 from SLURM_PROCID/SLURM_NTASKS".</param>
internal readonly record struct RankAssignment(int Rank, int WorldSize, string Source);
