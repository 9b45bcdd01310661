using System.Text.Json.Serialization;
using TrainingSample.MlNet;

namespace TrainingSample;

/// <summary>
/// Source-generated metadata for the sample's config sections, bound with <c>ConfigFile.Bind</c> so their errors
/// read exactly like the loader's.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(SampleConfig))]
[JsonSerializable(typeof(MlNetSection))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;
