using System.Globalization;

namespace WindowDataset.Distributed;

/// <summary>
/// Resolves rank and world size: explicit options first, then the first complete pair of launcher variables
/// (torchrun, Open MPI, MPICH / Intel MPI, Slurm), then a Kubernetes Indexed Job's completion index (whose world
/// size must come from the options). Two complete pairs that disagree are an error: the stream depends on the rank,
/// so guessing would silently give two processes the same windows.
/// </summary>
internal static class LaunchEnvironment
{
    /// <summary>The launcher pairs, in the order they are tried.</summary>
    public static readonly (string Rank, string WorldSize)[] Pairs =
    [
        ("RANK", "WORLD_SIZE"),
        ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"),
        ("PMI_RANK", "PMI_SIZE"),
        ("SLURM_PROCID", "SLURM_NTASKS"),
    ];

    public const string CompletionIndex = "JOB_COMPLETION_INDEX";

    /// <summary>Resolves from the process environment.</summary>
    public static RankAssignment Resolve(int? rank, int? worldSize) => Resolve(rank, worldSize, Environment.GetEnvironmentVariable);

    /// <summary>Resolves from <paramref name="variable"/> (the environment, or a test's dictionary).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A variable is not an integer in range, or the rank is not below the world size.</exception>
    /// <exception cref="ArgumentException">Two launcher pairs disagree, or only JOB_COMPLETION_INDEX is set and no world size is given.</exception>
    public static RankAssignment Resolve(int? rank, int? worldSize, Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (rank is { } r && worldSize is { } w)
        {
            return Checked(r, w, $"rank {r} of {w} from options", "options");
        }

        (int Rank, int WorldSize, string Names)? found = null;
        foreach ((string rankName, string worldName) in Pairs)
        {
            string? rankText = variable(rankName);
            string? worldText = variable(worldName);
            if (string.IsNullOrWhiteSpace(rankText) || string.IsNullOrWhiteSpace(worldText))
            {
                continue;
            }

            int pairRank = Parse(rankName, rankText, minimum: 0);
            int pairWorld = Parse(worldName, worldText, minimum: 1);
            string names = $"{rankName}/{worldName}";
            if (found is not { } first)
            {
                found = (pairRank, pairWorld, names);
            }
            else if (first.Rank != pairRank || first.WorldSize != pairWorld)
            {
                throw new ArgumentException(
                    $"rank: expected the launcher variables to agree; found rank {first.Rank} of {first.WorldSize} from {first.Names} but rank {pairRank} of {pairWorld} from {names} (set rank and worldSize in the options, or unset one pair).",
                    nameof(rank));
            }
        }

        if (found is { } pair)
        {
            int finalRank = rank ?? pair.Rank;
            int finalWorld = worldSize ?? pair.WorldSize;
            string source = (rank, worldSize) switch
            {
                (null, null) => $"rank {finalRank} of {finalWorld} from {pair.Names}",
                (null, _) => $"rank {finalRank} from {pair.Names[..pair.Names.IndexOf('/', StringComparison.Ordinal)]}, world size {finalWorld} from options",
                _ => $"rank {finalRank} from options, world size {finalWorld} from {pair.Names[(pair.Names.IndexOf('/', StringComparison.Ordinal) + 1)..]}",
            };
            return Checked(finalRank, finalWorld, source, pair.Names);
        }

        string? index = variable(CompletionIndex);
        if (rank is null && !string.IsNullOrWhiteSpace(index))
        {
            int indexRank = Parse(CompletionIndex, index, minimum: 0);
            if (worldSize is not { } given)
            {
                throw new ArgumentException(
                    $"worldSize: expected a value in the options when the rank comes from {CompletionIndex} (a Kubernetes Indexed Job sets no world size; use the job's completions); found none ({CompletionIndex}={indexRank}).",
                    nameof(worldSize));
            }

            return Checked(indexRank, given, $"rank {indexRank} from {CompletionIndex}, world size {given} from options", CompletionIndex);
        }

        int defaultRank = rank ?? 0;
        int defaultWorld = worldSize ?? 1;
        string text = (rank, worldSize) switch
        {
            (null, null) => "rank 0 of 1 (no launcher variables)",
            (null, _) => $"rank 0 (default) of {defaultWorld} from options",
            _ => $"rank {defaultRank} from options of {defaultWorld} (default)",
        };
        return Checked(defaultRank, defaultWorld, text, "options");
    }

    private static RankAssignment Checked(int rank, int worldSize, string source, string origin)
    {
        if (rank >= worldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(rank), $"rank: expected 0..{worldSize - 1} for worldSize {worldSize} (from {origin}); found {rank}.");
        }

        return new RankAssignment(rank, worldSize, source);
    }

    private static int Parse(string name, string text, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new ArgumentOutOfRangeException(name, $"environment variable {name}: expected an integer >= {minimum}; found '{text}'.");
        }

        return value;
    }
}
