namespace TrainingSample;

/// <summary>The command line: <c>--config FILE [--json] [--epochs N] [--quiet] [--generate] [--verbose]</c>.</summary>
internal sealed class SampleArguments
{
    public const string Usage = "usage: dotnet run --project src/TrainingSample -- --config FILE [--json] [--epochs N] [--quiet] [--generate] [--verbose]";

    public string ConfigPath { get; private set; } = string.Empty;

    public bool Json { get; private set; }

    public bool Quiet { get; private set; }

    public bool Verbose { get; private set; }

    /// <summary>Create the dataset even when the config says not to (for the large seed-32gb problem).</summary>
    public bool Generate { get; private set; }

    public int? Epochs { get; private set; }

    public bool Help { get; private set; }

    /// <exception cref="ArgumentException">Unknown option, missing value or bad number.</exception>
    public static SampleArguments Parse(string[] args)
    {
        var result = new SampleArguments();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "--config":
                case "-c":
                    result.ConfigPath = Value(args, ref i, a);
                    break;
                case "--json":
                    result.Json = true;
                    break;
                case "--quiet":
                case "-q":
                    result.Quiet = true;
                    break;
                case "--verbose":
                    result.Verbose = true;
                    break;
                case "--generate":
                    result.Generate = true;
                    break;
                case "--epochs":
                    string v = Value(args, ref i, a);
                    if (!int.TryParse(v, out int epochs) || epochs < 1)
                    {
                        throw new ArgumentException($"--epochs: expected a whole number >= 1; found '{v}'.");
                    }

                    result.Epochs = epochs;
                    break;
                case "--help":
                case "-h":
                    result.Help = true;
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{a}'. {Usage}");
            }
        }

        if (!result.Help && result.ConfigPath.Length == 0)
        {
            throw new ArgumentException($"--config: expected a config file; found none. {Usage}");
        }

        return result;
    }

    private static string Value(string[] args, ref int i, string name)
    {
        if (i + 1 >= args.Length)
        {
            throw new ArgumentException($"{name}: expected a value; found the end of the command line.");
        }

        return args[++i];
    }
}
