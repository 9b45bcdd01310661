using System.Text.Json.Serialization;

namespace WindowDataset.Tests.Configuration;

/// <summary>
/// An application's source-generated context, deliberately lenient (unknown keys allowed, numbers from strings,
/// case-insensitive names): <c>ConfigFile.Bind</c> must be strict anyway.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    PropertyNameCaseInsensitive = true,
    Converters = [typeof(JsonStringEnumConverter<AppColour>)])]
[JsonSerializable(typeof(AppSection))]
[JsonSerializable(typeof(AppRequiredSection))]
internal sealed partial class AppJsonContext : JsonSerializerContext;
