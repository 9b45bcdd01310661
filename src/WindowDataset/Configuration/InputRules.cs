using static System.FormattableString;

namespace WindowDataset.Configuration;

/// <summary>The rules of <see cref="WindowLoaderOptions.Inputs"/>, <see cref="WindowLoaderOptions.Concat"/> and <see cref="TargetOptions.Input"/> (part of <see cref="OptionRules"/>).</summary>
internal static class InputRules
{
    /// <summary>The first rule broken, or null (also null when no input key is used).</summary>
    public static OptionViolation? Check(WindowLoaderOptions o)
    {
        if (o.Inputs is not { } inputs)
        {
            if (o.Concat)
            {
                return Invalid("concat", "concat: expected inputs (concat joins several aligned arrays); found a single source.");
            }

            return o.Target?.Input is { } named
                ? Invalid("target.input", $"target.input: expected inputs to choose from; found '{named}' with a single source.")
                : null;
        }

        if (inputs.Count == 0)
        {
            return Invalid("inputs", "inputs: expected at least one input or null; found an empty list.");
        }

        if (o.Source is { } source && ((source.Paths is { Count: > 0 }) || !string.IsNullOrWhiteSpace(source.Glob)))
        {
            return Invalid("inputs", "inputs: expected either source or inputs; found both (source is input 0 of a single-input loader: move it into inputs).");
        }

        for (int k = 0; k < inputs.Count; k++)
        {
            string key = Invariant($"inputs[{k}]");
            if (inputs[k] is not { } input)
            {
                return Invalid(key, $"{key}: expected an object; found null.");
            }

            if (string.IsNullOrWhiteSpace(input.Name))
            {
                return Invalid(key + ".name", $"{key}.name: expected a non-empty name; found {(input.Name is null ? "null" : $"'{input.Name}'")}.");
            }

            for (int j = 0; j < k; j++)
            {
                if (string.Equals(inputs[j]?.Name, input.Name, StringComparison.Ordinal))
                {
                    return Invalid(key + ".name", Invariant($"{key}.name: expected a name unique among the inputs; found '{input.Name}', the name of inputs[{j}]."));
                }
            }

            if (OptionRules.CheckSource(input.ToSource(), key) is { } bad)
            {
                return bad;
            }

            if (input.OutputType is { } output && !Enum.IsDefined(output))
            {
                return new OptionViolation(key + ".outputType", Invariant($"{key}.outputType: expected an element type; found {output}."), OutOfRange: true);
            }
        }

        if (o.Target?.Input is { } target)
        {
            if (o.Target.Kind != TargetKind.Next)
            {
                return Invalid("target.input", $"target.input: expected only with kind 'next'; found '{target}' with kind '{o.Target.Kind.ToString().ToLowerInvariant()}'.");
            }

            if (IndexOf(inputs, target) < 0)
            {
                return Invalid("target.input", $"target.input: expected the name of an input ({Names(inputs)}); found '{target}'.");
            }
        }

        return null;
    }

    /// <summary>The index of the input named <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(IList<InputOptions> inputs, string name)
    {
        for (int k = 0; k < inputs.Count; k++)
        {
            if (string.Equals(inputs[k]?.Name, name, StringComparison.Ordinal))
            {
                return k;
            }
        }

        return -1;
    }

    private static string Names(IList<InputOptions> inputs)
    {
        var names = new string[inputs.Count];
        for (int k = 0; k < names.Length; k++)
        {
            names[k] = "'" + inputs[k]?.Name + "'";
        }

        return string.Join(", ", names);
    }

    private static OptionViolation Invalid(string key, string message) => new(key, message, OutOfRange: false);
}
