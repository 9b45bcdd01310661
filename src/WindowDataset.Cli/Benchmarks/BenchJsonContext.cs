using System.Text.Json.Serialization;

namespace WindowDataset.Cli.Benchmarks;

/// <summary>Source-generated metadata for the <c>bench</c> config section, with the loader's strict reading rules.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.Strict,
    MaxDepth = 32)]
[JsonSerializable(typeof(BenchSection))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
