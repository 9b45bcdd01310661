using System.Text.Json;

namespace TrainingSample.MlNet;

/// <summary>The ML.NET path of the sample (selected by "mode": "mlnet" in the config). Being written: see issue 4.</summary>
internal static class MlNetJob
{
    public static int Run(JsonElement root, string configPath, bool json, TextWriter output)
    {
        _ = root;
        _ = json;
        output.WriteLine($"{configPath}: the ML.NET sample is not built yet.");
        return 1;
    }
}
