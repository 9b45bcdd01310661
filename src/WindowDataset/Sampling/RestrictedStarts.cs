using System.Diagnostics;
using WindowDataset.Sources;
using static System.FormattableString;

namespace WindowDataset.Sampling;

/// <summary>
/// The valid starts of one source under a loader's options: windows (dilated) and targets inside one shard,
/// inside the rows range and the used split, and with <c>missing: skipWindows</c> free of bad rows. One function so
/// that every sampler, and every component of a mixture, gets the same rules.
/// </summary>
internal static class RestrictedStarts
{
    /// <summary>Builds the start index of <paramref name="source"/> (and <paramref name="labels"/> for a file target) for <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rows range or split lies past the array, or leaves room for no window.</exception>
    public static StartIndex Build(ArraySource source, ArraySource? labels, WindowLoaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(options);
        TargetOptions target = options.Target ?? new TargetOptions();
        var geometry = new WindowGeometry(options.Window, options.Dilation, target);
        (long start, long end) = RowRestriction.Resolve(options.Rows, options.Split, options.Use, source.TotalRows);
        bool restricted = start > 0 || end < source.TotalRows;
        StartIndex index = StartIndex.Build(source, geometry.Span, labels?.TotalRows, geometry.LabelShift, start, restricted ? end : long.MaxValue);
        if (index.Count == 0 && restricted)
        {
            string what = options.Split is not null && options.Use is not null ? $"split.{options.Use}" : "rows";
            throw new ArgumentOutOfRangeException(nameof(options), Invariant(
                $"{what}: expected room for one window of {geometry.Span} rows (window {options.Window}, dilation {geometry.Dilation}{(geometry.Span > geometry.WindowSpan ? $", target {geometry.Span - geometry.WindowSpan} rows" : string.Empty)}) inside one shard; found rows [{start}, {end})."));
        }

        if (index.Count == 0 && (geometry.Dilation > 1 || target.LeadTime > 0))
        {
            long longest = 0;
            foreach (ShardFile shard in source.Shards)
            {
                longest = Math.Max(longest, shard.Rows);
            }

            throw new ArgumentOutOfRangeException(nameof(options), Invariant(
                $"dilation: expected a window span that fits one shard (the longest has {longest} rows); found {geometry.Span} rows (window {options.Window}, dilation {geometry.Dilation}{(geometry.Span > geometry.WindowSpan ? $", target {geometry.Span - geometry.WindowSpan} rows with lead time {target.LeadTime}" : string.Empty)}): no window fits."));
        }

        if (options.Missing != MissingValues.SkipWindows || index.Count == 0)
        {
            return index;
        }

        RowBitmap bad = NonFiniteRows.ForSource(source, options.Source.Dataset);
        RowBitmap? badLabels = labels is not null && NonFiniteRows.CanHold(labels.ElementType) ? NonFiniteRows.ForSource(labels, target.Source?.Dataset) : null;
        RankSelectBitmap kept = SkipWindows.Keep(index, source, bad, badLabels, geometry);
        Debug.Assert(kept.Ones <= index.Count);
        if (kept.Ones == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Invariant(
                $"{source.Shards[0].Path}: missing: skipWindows: expected at least one window without NaN or inf; found none among {index.Count} starts ({bad.CountOnes()} of {source.TotalRows} rows hold one)."));
        }

        return index.Keep(kept);
    }
}
