using System.Text.Json;
using WindowDataset.Configuration;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Configuration;

/// <summary>
/// An application's own section bound with <see cref="ConfigFile.Bind"/> and its source-generated context is read
/// as strictly as the loader's options, and its errors read exactly like the loader's.
/// </summary>
public sealed class ConfigFileBindTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ConfigFileBindTests() => TestArrays.WriteNpy(_dir.File("a.npy"), 40, 3);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Bind_ValidSection_BindsEveryKey()
    {
        AppSection s = Bind("""{ "name": "x", "count": 3, "ratio": 0.5, "tags": ["a", "b"], "inner": { "size": 9, "enabled": true }, "extra": null, "colour": "Green" }""");

        Assert.Equal("x", s.Name);
        Assert.Equal(3, s.Count);
        Assert.Equal(0.5, s.Ratio);
        Assert.Equal(["a", "b"], s.Tags);
        Assert.Equal(9, s.Inner.Size);
        Assert.True(s.Inner.Enabled);
        Assert.Null(s.Extra);
        Assert.Equal(AppColour.Green, s.Colour);
    }

    [Theory]
    [InlineData("""{ "colour": "Red", "shade": 1 }""", "app.json: $.app.shade: unknown key 'shade' (known keys: name, count, ratio, tags, inner, extra, colour).")]
    [InlineData("""{ "Count": 1 }""", "app.json: $.app.Count: unknown key 'Count' (known keys: name, count, ratio, tags, inner, extra, colour).")]
    [InlineData("""{ "inner": { "size": 1, "sise": 2 } }""", "app.json: $.app.inner.sise: unknown key 'sise' (known keys: size, enabled).")]
    [InlineData("""{ "odd key": 1 }""", "app.json: $.app['odd key']: unknown key 'odd key' (known keys: name, count, ratio, tags, inner, extra, colour).")]
    [InlineData("""{ "label": "x" }""", "app.json: $.app.label: unknown key 'label' (known keys: name, count, ratio, tags, inner, extra, colour).")]
    [InlineData("""{ "count": 1, "count": 2 }""", "app.json: $.app.count: expected each key once; found 'count' again.")]
    public void Bind_UnknownOrRepeatedKey_RefusedThoughTheContextAllowsUnknownKeys(string json, string message) =>
        Assert.Equal(message, Refused(json).Message);

    [Theory]
    [InlineData("""{ "count": "3" }""", "app.json: $.app.count: expected an integer from -2147483648 to 2147483647 (32-bit integer); found \"3\".")]
    [InlineData("""{ "count": 2.5 }""", "app.json: $.app.count: expected an integer from -2147483648 to 2147483647 (32-bit integer); found 2.5.")]
    [InlineData("""{ "count": null }""", "app.json: $.app.count: expected an integer from -2147483648 to 2147483647 (32-bit integer); found null.")]
    [InlineData("""{ "ratio": "half" }""", "app.json: $.app.ratio: expected a number or null; found \"half\".")]
    [InlineData("""{ "name": 7 }""", "app.json: $.app.name: expected a string; found 7.")]
    [InlineData("""{ "tags": "a" }""", "app.json: $.app.tags: expected an array (of a string); found \"a\".")]
    [InlineData("""{ "tags": ["a", 1] }""", "app.json: $.app.tags[1]: expected a string; found 1.")]
    [InlineData("""{ "inner": null }""", "app.json: $.app.inner: expected an object; found null.")]
    [InlineData("""{ "inner": [1] }""", "app.json: $.app.inner: expected an object; found an array of 1.")]
    [InlineData("""{ "inner": { "size": 1.5 } }""", "app.json: $.app.inner.size: expected an integer (64-bit integer); found 1.5.")]
    [InlineData("""{ "extra": { "enabled": "yes" } }""", "app.json: $.app.extra.enabled: expected true or false; found \"yes\".")]
    [InlineData("""{ "colour": "mauve" }""", "app.json: $.app.colour: expected one of the AppColour names; found \"mauve\".")]
    public void Bind_WrongType_RefusedAtItsJsonPath(string json, string message) =>
        Assert.Equal(message, Refused(json).Message);

    [Fact]
    public void Bind_WrongType_ReadsLikeTheLoadersError()
    {
        string config = _dir.File("both.json");
        File.WriteAllText(config, """{ "loader": { "source": { "paths": ["a.npy"] }, "window": "16" }, "app": { "count": "16" } }""");
        var loader = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        using JsonDocument doc = ConfigFile.Parse(config);
        var app = Assert.Throws<InvalidDataException>(() => ConfigFile.Bind(doc.RootElement.GetProperty("app"), AppJsonContext.Default.AppSection, config, "$.app"));

        Assert.Equal($"{config}: $.loader.window: expected an integer from -2147483648 to 2147483647 (32-bit integer); found \"16\".", loader.Message);
        Assert.Equal($"{config}: $.app.count: expected an integer from -2147483648 to 2147483647 (32-bit integer); found \"16\".", app.Message);
    }

    [Fact]
    public void Bind_UnknownKey_ReadsLikeTheLoadersError()
    {
        string config = _dir.File("both.json");
        File.WriteAllText(config, """{ "loader": { "source": { "paths": ["a.npy"] }, "windw": 16 }, "app": { "cont": 16 } }""");
        var loader = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(config));
        using JsonDocument doc = ConfigFile.Parse(config);
        var app = Assert.Throws<InvalidDataException>(() => ConfigFile.Bind(doc.RootElement.GetProperty("app"), AppJsonContext.Default.AppSection, config, "$.app"));

        Assert.StartsWith($"{config}: $.loader.windw: unknown key 'windw' (known keys: source, window, ", loader.Message, StringComparison.Ordinal);
        Assert.Equal($"{config}: $.app.cont: unknown key 'cont' (known keys: name, count, ratio, tags, inner, extra, colour).", app.Message);
    }

    [Fact]
    public void Bind_RequiredKey_MissingRefusedPresentBound()
    {
        using JsonDocument missing = JsonDocument.Parse("""{ "retries": 1 }""");
        using JsonDocument present = JsonDocument.Parse("""{ "id": "a", "retries": 1 }""");

        var ex = Assert.Throws<InvalidDataException>(() => ConfigFile.Bind(missing.RootElement, AppJsonContext.Default.AppRequiredSection, "app.json", "$.app"));
        AppRequiredSection bound = ConfigFile.Bind(present.RootElement, AppJsonContext.Default.AppRequiredSection, "app.json", "$.app");

        Assert.Equal("app.json: $.app: expected key 'id'; found none.", ex.Message);
        Assert.Equal("a", bound.Id);
        Assert.Equal(1, bound.Retries);
        Assert.Equal("fast", bound.Mode); // a settable property keeps its default when the key is missing
    }

    [Theory]
    [InlineData("3", "app.json: $.app: expected an object; found 3.")]
    [InlineData("null", "app.json: $.app: expected an object; found null.")]
    [InlineData("[]", "app.json: $.app: expected an object; found an array of 0.")]
    public void Bind_NotAnObject_Refused(string json, string message) =>
        Assert.Equal(message, Refused(json).Message);

    [Fact]
    public void Bind_InvalidUtf8InAString_RefusedAtItsPath()
    {
        using JsonDocument doc = JsonDocument.Parse((byte[])[.. "{ \"name\": \""u8, 0xFF, .. "\" }"u8]);
        var ex = Assert.Throws<InvalidDataException>(() => ConfigFile.Bind(doc.RootElement, AppJsonContext.Default.AppSection, "app.json", "$.app"));
        Assert.Equal("app.json: $.app.name: expected a string of valid Unicode text; found invalid UTF-8.", ex.Message);
    }

    [Theory]
    [InlineData("""{ "name": "\ud800" }""", "app.json: $.app.name: expected a string of valid Unicode text; found an unpaired surrogate escape.")]
    [InlineData("""{ "tags": ["a", "\udc00b"] }""", "app.json: $.app.tags[1]: expected a string of valid Unicode text; found an unpaired surrogate escape.")]
    [InlineData("""{ "\ud800": 1 }""", "app.json: $.app: expected keys of valid Unicode text; found an unpaired surrogate escape.")]
    public void Bind_UnpairedSurrogateEscape_RefusedAtItsPath(string json, string message) =>
        Assert.Equal(message, Refused(json).Message);

    private static AppSection Bind(string json)
    {
        using JsonDocument doc = JsonDocument.Parse(json);
        return ConfigFile.Bind(doc.RootElement, AppJsonContext.Default.AppSection, "app.json", "$.app");
    }

    private static InvalidDataException Refused(string json) => Assert.Throws<InvalidDataException>(() => Bind(json));
}
