using static System.FormattableString;

namespace WindowDataset.Configuration;

/// <summary>
/// The rules of <see cref="WindowLoaderOptions.Mixture"/>: at least one component, finite positive weights, a valid
/// source in each, no top-level source, and only the options a mixture supports (the permutation or uniform
/// sampler, no explicit starts, no block shuffle, no file target).
/// </summary>
internal static class MixtureRules
{
    /// <summary>More components than this are refused (each has its own start index and counters).</summary>
    public const int MaxComponents = 4096;

    public static OptionViolation? Check(WindowLoaderOptions o)
    {
        IList<MixtureComponent> mixture = o.Mixture!;
        if (mixture.Count == 0)
        {
            return new("mixture", "mixture: expected at least one component (or no key); found an empty list.", OutOfRange: false);
        }

        if (mixture.Count > MaxComponents)
        {
            return new("mixture", Invariant($"mixture: expected at most {MaxComponents} components; found {mixture.Count}."), OutOfRange: true);
        }

        double sum = 0;
        for (int i = 0; i < mixture.Count; i++)
        {
            string key = Invariant($"mixture[{i}]");
            if (mixture[i] is not { } component)
            {
                return new(key, $"{key}: expected an object with weight and source; found null.", OutOfRange: false);
            }

            if (!double.IsFinite(component.Weight) || component.Weight <= 0)
            {
                return new(key + ".weight", Invariant($"{key}.weight: expected a finite number > 0; found {component.Weight}."), OutOfRange: true);
            }

            sum += component.Weight;
            if (component.Source is null)
            {
                return new(key + ".source", $"{key}.source: expected an object with paths or a glob; found null.", OutOfRange: false);
            }

            if (OptionRules.CheckSource(component.Source, key + ".source") is { } source)
            {
                return source;
            }

            for (int p = 0; component.Source.Paths is not null && p < component.Source.Paths.Count; p++)
            {
                if (component.Source.Paths[p].Contains("://", StringComparison.Ordinal))
                {
                    string path = Invariant($"{key}.source.paths[{p}]");
                    return new(path, $"{path}: expected a local file (sources by URL are not supported in a mixture yet); found a URL.", OutOfRange: false);
                }
            }
        }

        if (!double.IsFinite(sum))
        {
            return new("mixture", "mixture: expected weights whose sum is finite; found a sum that overflows.", OutOfRange: true);
        }

        if (o.Source is { } top && ((top.Paths is { Count: > 0 }) || !string.IsNullOrWhiteSpace(top.Glob)))
        {
            return new("source", "source: expected no paths or glob with mixture (each component has its own source); found " + (top.Paths is { Count: > 0 } ? Invariant($"{top.Paths.Count} path(s).") : $"glob '{top.Glob}'."), OutOfRange: false);
        }

        if (o.Sampler == SamplerKind.Sequential)
        {
            return new("sampler", "sampler: expected permutation or uniform with mixture (an epoch interleaves the components); found sequential.", OutOfRange: false);
        }

        if (o.Starts is not null)
        {
            return new("starts", "starts: expected none with mixture (the mixture chooses the starts); found a list.", OutOfRange: false);
        }

        if (o.ShuffleBlock is not null)
        {
            return new("shuffleBlock", "shuffleBlock: expected none with mixture (not supported yet); found an object.", OutOfRange: false);
        }

        if (o.Target is { Kind: TargetKind.File })
        {
            return new("target.kind", "target.kind: expected none or next with mixture (file labels per component are not supported yet); found file.", OutOfRange: false);
        }

        return null;
    }
}
