using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;

namespace WindowDataset;

/// <summary>
/// Where a loader is in its stream: the next batch to deliver. Small and serializable (System.Text.Json);
/// pass it to <see cref="ReadRange.From"/> to continue exactly where a run stopped. A state from
/// <see cref="WindowLoader.State"/> also records the global position (<see cref="WindowsConsumed"/>,
/// <see cref="WorldSize"/>), so it resumes with any number of ranks.
/// </summary>
/// <param name="Epoch">The epoch.</param>
/// <param name="Batch">The next batch index within that epoch.</param>
public readonly record struct LoaderState(long Epoch, long Batch)
{
    /// <summary>
    /// Windows of <see cref="Epoch"/> read by all ranks together (each rank having read as many), counted in the
    /// epoch's global order; null in a state that records only the batch (read as saved at the loader's own world size).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? WindowsConsumed { get; init; }

    /// <summary>The world size the state was saved at; null when <see cref="WindowsConsumed"/> is.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WorldSize { get; init; }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append(CultureInfo.InvariantCulture, $"Epoch = {Epoch}, Batch = {Batch}");
        if (WindowsConsumed is { } consumed)
        {
            builder.Append(CultureInfo.InvariantCulture, $", WindowsConsumed = {consumed}");
        }

        if (WorldSize is { } world)
        {
            builder.Append(CultureInfo.InvariantCulture, $", WorldSize = {world}");
        }

        return true;
    }
}
