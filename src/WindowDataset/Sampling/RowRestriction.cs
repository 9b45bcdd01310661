using System.Globalization;
using WindowDataset.Configuration;
using static System.FormattableString;

namespace WindowDataset.Sampling;

/// <summary>
/// The rows a loader's windows may use: <c>rows</c>, <c>split</c> + <c>use</c>, or both (the split then divides
/// the rows range). The option rules that need no file, and the resolution to global rows [start, end) once the
/// row count is known.
/// </summary>
internal static class RowRestriction
{
    /// <summary>Largest dilation: a window then spans up to (W - 1) * 2^20 + 1 rows.</summary>
    public const int MaxDilation = 1 << 20;

    /// <summary>Narrows a shard's local starts [lo, hi) to windows (and label rows) inside global rows [rowStart, rowEnd).</summary>
    public static (long Lo, long Hi) Clip(long lo, long hi, long rowBase, long span, long? labelShift, long rowStart, long rowEnd)
    {
        lo = Math.Max(lo, rowStart - rowBase);
        hi = Math.Min(hi, rowEnd - span - rowBase + 1);
        if (labelShift is { } shift)
        {
            lo = Math.Max(lo, rowStart - shift - rowBase);
            hi = Math.Min(hi, rowEnd - shift - rowBase);
        }

        return (lo, hi);
    }

    /// <summary>The first rule of <c>rows</c>, <c>split</c>, <c>use</c>, <c>dilation</c>, <c>target.leadTime</c> that <paramref name="o"/> breaks; null if none.</summary>
    public static OptionViolation? Check(WindowLoaderOptions o)
    {
        if (o.Dilation is < 1 or > MaxDilation)
        {
            return Range("dilation", Invariant($"dilation: expected 1..{MaxDilation}; found {o.Dilation}."));
        }

        if (o.Target is { LeadTime: < 0 or > int.MaxValue / 2 } t)
        {
            return Range("target.leadTime", Invariant($"target.leadTime: expected 0..{int.MaxValue / 2}; found {t.LeadTime}."));
        }

        if (o.Rows is { } rows)
        {
            if (rows.Start < 0)
            {
                return Range("rows.start", Invariant($"rows.start: expected >= 0; found {rows.Start}."));
            }

            if (rows.End is { } end && end <= rows.Start)
            {
                return Range("rows.end", Invariant($"rows.end: expected > rows.start ({rows.Start}) or null; found {end}."));
            }
        }

        if (o.Split is null)
        {
            return o.Use is null ? null : Invalid("use", $"use: expected no key without a split (it names one of the split's ranges); found '{o.Use}'.");
        }

        return CheckSplit(o.Split, o.Use);
    }

    /// <summary>Global rows [Start, End) of the windows: the rows range, then the used split of it (with its gap).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound lies past the array's <paramref name="totalRows"/>, or the gap leaves a range no rows.</exception>
    public static (long Start, long End) Resolve(RowRange? rows, SplitOptions? split, string? use, long totalRows)
    {
        long start = 0, end = totalRows;
        if (rows is not null)
        {
            if (rows.Start >= totalRows)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), Invariant($"rows.start: expected less than the array's {totalRows} rows; found {rows.Start}."));
            }

            if (rows.End is { } e)
            {
                if (e > totalRows)
                {
                    throw new ArgumentOutOfRangeException(nameof(rows), Invariant($"rows.end: expected at most the array's {totalRows} rows; found {e}."));
                }

                end = e;
            }

            start = rows.Start;
        }

        if (split is null || use is null)
        {
            return (start, end);
        }

        List<(string Name, long From, long To)> parts = Resolved(split, start, end);
        (long From, long To)? used = null;
        for (int i = 0; i < parts.Count; i++)
        {
            (string name, long from, long to) = parts[i];
            if (i > 0)
            {
                from += split.Gap;
                if (from >= to)
                {
                    throw new ArgumentOutOfRangeException(nameof(split), Invariant($"split.{name}: expected more rows than split.gap ({split.Gap}) after it follows split.{parts[i - 1].Name}; found {to - parts[i].From} rows [{parts[i].From}, {to})."));
                }
            }

            if (name == use)
            {
                used = (from, to); // every range is checked: a split shared by train and val loaders fails in both
            }
        }

        return used ?? throw new ArgumentException($"use: expected one of the split's ranges; found '{use}'.", nameof(use));
    }

    /// <summary>The split's ranges as global rows, ordered by start, before the gap: fractions of [start, end), or whole rows inside it.</summary>
    public static List<(string Name, long From, long To)> Resolved(SplitOptions split, long start, long end)
    {
        bool fractions = AreFractions(split);
        var parts = new List<(string Name, long From, long To)>(split.Ranges.Count);
        foreach (KeyValuePair<string, double[]> pair in split.Ranges)
        {
            long from, to;
            if (fractions)
            {
                long length = end - start;
                from = start + (long)Math.Floor(pair.Value[0] * length);
                to = start + (long)Math.Floor(pair.Value[1] * length);
            }
            else
            {
                from = (long)pair.Value[0];
                to = (long)pair.Value[1];
                if (from < start || to > end)
                {
                    throw new ArgumentOutOfRangeException(nameof(split), Invariant($"split.{pair.Key}: expected rows inside [{start}, {end}) (the {(start == 0 ? "array's rows" : "rows range")}); found [{from}, {to})."));
                }
            }

            parts.Add((pair.Key, from, to));
        }

        parts.Sort(static (a, b) => a.From.CompareTo(b.From));
        return parts;
    }

    /// <summary>Fractions when every bound is at most 1; else whole row numbers.</summary>
    public static bool AreFractions(SplitOptions split)
    {
        foreach (double[] bounds in split.Ranges.Values)
        {
            if (bounds is null || bounds.Length != 2 || bounds[0] > 1 || bounds[1] > 1)
            {
                return false;
            }
        }

        return true;
    }

    private static OptionViolation? CheckSplit(SplitOptions split, string? use)
    {
        if (split.Gap < 0)
        {
            return Range("split.gap", Invariant($"split.gap: expected rows >= 0; found {split.Gap}."));
        }

        if (split.Ranges is null || split.Ranges.Count == 0)
        {
            return Invalid("split", "split: expected at least one named range such as \"train\": [0.0, 0.8]; found none.");
        }

        bool fractions = AreFractions(split);
        var sorted = new List<(string Name, double From, double To)>(split.Ranges.Count);
        foreach (KeyValuePair<string, double[]> pair in split.Ranges)
        {
            string key = "split." + pair.Key;
            double[] b = pair.Value;
            if (b is null || b.Length != 2)
            {
                return Invalid(key, $"{key}: expected [from, to] (two numbers); found {(b is null ? "null" : Invariant($"{b.Length} numbers"))}.");
            }

            if (!double.IsFinite(b[0]) || !double.IsFinite(b[1]) || b[0] < 0 || b[1] < 0)
            {
                return Range(key, $"{key}: expected bounds >= 0; found [{Show(b[0])}, {Show(b[1])}].");
            }

            if (!fractions && (b[0] != Math.Floor(b[0]) || b[1] != Math.Floor(b[1]) || b[1] > (double)(1L << 53)))
            {
                return Range(key, $"{key}: expected fractions in [0, 1] (every bound <= 1) or whole row numbers; found [{Show(b[0])}, {Show(b[1])}] among bounds above 1.");
            }

            if (b[1] <= b[0])
            {
                return Range(key, $"{key}: expected from < to; found [{Show(b[0])}, {Show(b[1])}].");
            }

            sorted.Add((pair.Key, b[0], b[1]));
        }

        sorted.Sort(static (a, b) => a.From.CompareTo(b.From));
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].From < sorted[i - 1].To)
            {
                string key = "split." + sorted[i].Name;
                return Range(key, $"{key}: expected a range that does not overlap split.{sorted[i - 1].Name} [{Show(sorted[i - 1].From)}, {Show(sorted[i - 1].To)}); found [{Show(sorted[i].From)}, {Show(sorted[i].To)}).");
            }
        }

        if (use is null)
        {
            return Invalid("use", $"use: expected the name of one of the split's ranges ({Names(split)}); found none.");
        }

        return split.Ranges.ContainsKey(use) ? null : Invalid("use", $"use: expected one of {Names(split)}; found '{use}'.");
    }

    private static string Names(SplitOptions split) => string.Join(", ", split.Ranges.Keys);

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static OptionViolation Range(string key, string message) => new(key, message, OutOfRange: true);

    private static OptionViolation Invalid(string key, string message) => new(key, message, OutOfRange: false);
}
