using System.Text.Json;
using System.Text.Json.Serialization;

namespace WindowDataset.Configuration;

/// <summary>Source-generated metadata for <see cref="WindowLoaderOptions"/>: camelCase keys, strict numbers, config enums by name.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    NumberHandling = JsonNumberHandling.Strict,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    MaxDepth = 32,
    Converters =
    [
        typeof(ElementTypeConverter),
        typeof(ConfigEnumConverter<SamplerKind>),
        typeof(ConfigEnumConverter<IoMode>),
        typeof(ConfigEnumConverter<PageCachePolicy>),
        typeof(ConfigEnumConverter<SourceFormat>),
        typeof(ConfigEnumConverter<TargetKind>),
        typeof(ConfigEnumConverter<EvenRanks>),
        typeof(ConfigEnumConverter<MissingValues>),
        typeof(ConfigEnumConverter<NormalizeMethod>),
    ])]
[JsonSerializable(typeof(WindowLoaderOptions))]
internal sealed partial class LoaderJsonContext : JsonSerializerContext;
