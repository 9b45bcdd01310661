using System.Diagnostics.CodeAnalysis;
using SharpFuzz;

namespace WindowDataset.Fuzz;

/// <summary>
/// Fuzzing entry point. <c>dotnet WindowDataset.Fuzz.dll npy|hdf5|zarr|config</c> runs under afl-fuzz (SharpFuzz persistent
/// mode); <c>dotnet WindowDataset.Fuzz.dll npy|hdf5|zarr|config --replay FILE_OR_DIR...</c> runs inputs once each, in-process,
/// and prints what each one did (for triage and regression checks; exit code 1 when any input crashed).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length == 0 || !TryCreate(args[0], out FuzzTarget? target))
        {
            Console.Error.WriteLine("usage: WindowDataset.Fuzz npy|hdf5|zarr|config [--replay FILE_OR_DIR...]");
            return 2;
        }

        using (target)
        {
            if (args.Length > 1 && args[1] == "--replay")
            {
                return Replay(target, args.AsSpan(2));
            }

            // In-process persistent mode: afl-fuzz sends inputs through shared memory; any exception that
            // escapes the action is reported to afl-fuzz as a crash.
            Fuzzer.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                target.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            });
        }

        return 0;
    }

    private static bool TryCreate(string name, [NotNullWhen(true)] out FuzzTarget? target)
    {
        target = name switch
        {
            "npy" => new NpyTarget(),
            "hdf5" => new Hdf5Target(),
            "zarr" => new ZarrTarget(),
            "config" => new ConfigTarget(),
            _ => null,
        };
        return target is not null;
    }

    private static int Replay(FuzzTarget target, ReadOnlySpan<string> inputs)
    {
        var files = new List<string>();
        foreach (string input in inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (string file in Directory.EnumerateFiles(input))
                {
                    if (!Path.GetFileName(file).StartsWith('.') && !file.EndsWith(".txt", StringComparison.Ordinal))
                    {
                        files.Add(file);
                    }
                }
            }
            else
            {
                files.Add(input);
            }
        }

        files.Sort(StringComparer.Ordinal);
        int crashes = 0;
        foreach (string file in files)
        {
            byte[] data = File.ReadAllBytes(file);
            try
            {
                string outcome = target.Run(data);
                Console.WriteLine($"ok     {Path.GetFileName(file)}: {outcome}");
            }
#pragma warning disable CA1031 // Replay reports every unexpected exception instead of stopping at the first.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                crashes++;
                Console.WriteLine($"CRASH  {Path.GetFileName(file)}: {ex}");
            }
        }

        Console.WriteLine($"{files.Count} inputs, {crashes} crashes");
        return crashes == 0 ? 0 : 1;
    }
}
