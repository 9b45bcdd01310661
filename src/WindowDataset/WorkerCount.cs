using System.Globalization;
using System.Text.Json.Serialization;
using WindowDataset.Configuration;

namespace WindowDataset;

/// <summary>
/// How many worker threads a loader runs: a fixed count (an <see cref="int"/> converts to one: <c>Workers = 4</c>),
/// or <see cref="Auto"/>: the loader starts up to <see cref="WindowLoaderOptions.MaxWorkers"/> threads and keeps
/// as few of them active as keep the consumer fed. JSON: <c>"workers": 4</c> or <c>"workers": "auto"</c>.
/// </summary>
[JsonConverter(typeof(WorkerCountConverter))]
public readonly struct WorkerCount : IEquatable<WorkerCount>
{
    private readonly int _count;
    private readonly bool _fixed;

    private WorkerCount(int count)
    {
        _count = count;
        _fixed = true;
    }

    /// <summary>Adaptive: the loader adjusts the active workers from the consumer's wait and the workers' idle time.</summary>
    public static WorkerCount Auto => default;

    /// <summary>True for <see cref="Auto"/>.</summary>
    public bool IsAuto => !_fixed;

    /// <summary>The fixed count; null for <see cref="Auto"/>.</summary>
    public int? Count => _fixed ? _count : null;

    /// <summary>A fixed number of workers (1..256, checked when the options are validated).</summary>
    public static WorkerCount Fixed(int count) => new(count);

    /// <summary>A fixed number of workers (<c>Workers = 4</c>).</summary>
    public static implicit operator WorkerCount(int count) => new(count);

    /// <summary>Equal counts, or both <see cref="Auto"/>.</summary>
    public static bool operator ==(WorkerCount left, WorkerCount right) => left.Equals(right);

    /// <summary>Not <see cref="operator =="/>.</summary>
    public static bool operator !=(WorkerCount left, WorkerCount right) => !left.Equals(right);

    /// <summary>Reads <c>auto</c> or a whole number, as configs and command lines write them.</summary>
    /// <returns>False when <paramref name="text"/> is neither (the range is not checked here).</returns>
    public static bool TryParse(string? text, out WorkerCount count)
    {
        count = Auto;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n))
        {
            count = new WorkerCount(n);
            return true;
        }

        return false;
    }

    /// <summary>The same count, or both <see cref="Auto"/>.</summary>
    public bool Equals(WorkerCount other) => _fixed == other._fixed && _count == other._count;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is WorkerCount other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => _fixed ? _count : -1;

    /// <summary><c>auto</c>, or the count.</summary>
    public override string ToString() => _fixed ? _count.ToString(CultureInfo.InvariantCulture) : "auto";
}
