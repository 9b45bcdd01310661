using WindowDataset.Sources;

namespace WindowDataset.Sampling;

/// <summary>
/// <c>missing: skipWindows</c>: keeps the starts whose sampled rows hold no missing value. A start i is kept when
/// none of its window rows i + k * d (k &lt; W; rows skipped by the dilation do not matter), none of its next-target
/// rows and not its file label row is bad. One backward pass per shard over the rows the starts reach.
/// </summary>
internal static class SkipWindows
{
    /// <summary>The starts of <paramref name="index"/> left once windows touching a bad row are removed.</summary>
    /// <param name="index">The starts before the skip (shards, rows range, split).</param>
    /// <param name="source">The input.</param>
    /// <param name="bad">Bad rows of the input, by global row.</param>
    /// <param name="badLabels">Bad rows of the labels (file target), by global row; null when none can be bad.</param>
    /// <param name="geometry">Where the window's rows and target lie.</param>
    public static RankSelectBitmap Keep(StartIndex index, ArraySource source, RowBitmap bad, RowBitmap? badLabels, WindowGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        var valid = new RowBitmap(source.TotalRows);
        int d = geometry.Dilation;
        long lastOffset = geometry.WindowSpan - 1;
        long[] nextBadInClass = new long[d];
        for (int s = 0; s < source.Shards.Length; s++)
        {
            long first = index.FirstLocal(s), count = index.CountIn(s);
            if (count == 0)
            {
                continue;
            }

            long rowBase = source.Shards[s].RowBase;
            long top = first + count - 1 + geometry.Span - 1; // the last row any start of the shard reaches
            RowBitmap? targetClean = geometry.Horizon > 0 ? new RowBitmap(top - first + 1) : null;
            Array.Fill(nextBadInClass, long.MaxValue);
            long nextBad = long.MaxValue;
            int cls = (int)(top % d);
            for (long j = top; j >= first; j--)
            {
                if (bad.Get(rowBase + j))
                {
                    nextBadInClass[cls] = j;
                    nextBad = j;
                }

                if (targetClean is not null && nextBad >= j + geometry.Horizon)
                {
                    targetClean.Set(j - first);
                }

                if (j < first + count
                    && nextBadInClass[cls] > j + lastOffset
                    && (targetClean is null || targetClean.Get(j + geometry.TargetStart - first))
                    && (badLabels is null || !badLabels.Get(rowBase + j + geometry.LabelShift)))
                {
                    valid.Set(rowBase + j);
                }

                cls = cls == 0 ? d - 1 : cls - 1;
            }
        }

        return new RankSelectBitmap(valid);
    }
}
