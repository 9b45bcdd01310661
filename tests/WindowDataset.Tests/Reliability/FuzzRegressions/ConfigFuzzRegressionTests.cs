using System.Text.Json;
using WindowDataset.Tests.Infrastructure;

namespace WindowDataset.Tests.Reliability.FuzzRegressions;

/// <summary>
/// Inputs found by fuzzing the config binder (fuzz/run.sh config), kept as regression tests. The .json files next
/// to this one are the same inputs as found (the test project copies only Fixtures/**, so the bytes are embedded
/// here in base64). Every one must be refused with an <see cref="InvalidDataException"/> naming the file, never
/// escape as another exception type.
/// </summary>
public sealed class ConfigFuzzRegressionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public ConfigFuzzRegressionTests()
    {
        TestArrays.WriteNpy(_dir.File("data.npy"), 64, 3);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>
    /// Invalid UTF-8 inside a JSON string. JsonDocument.Parse accepts it; deserialization fails with a JsonException,
    /// and the error message builder then called JsonElement.GetRawText() on the bad string, which throws
    /// InvalidOperationException ("Cannot transcode invalid UTF-8 JSON text to UTF-16 string").
    /// </summary>
    [Theory]
    [InlineData("config-invalid-utf8-afl-id37.json", "eyAic291cmNlIjogICAgIndpbnxvd3NQZXJFcIVlYWRlck9mZnNldCJ9")]
    [InlineData("config-invalid-utf8-window_ff.json", "eyAid2luZG93IjogIv8iIH0=")]
    [InlineData("config-invalid-utf8-source_85.json", "eyAic291cmNlIjogIoUiIH0=")]
    [InlineData("config-invalid-utf8-paths_ff.json", "eyAic291cmNlIjogeyAicGF0aHMiOiBbIv8ubnB5Il0gfSB9")]
    [InlineData("config-invalid-utf8-glob_ff.json", "eyAic291cmNlIjogeyAiZ2xvYiI6ICL/KiIgLCAicGF0aHMiOiBbImRhdGEubnB5Il19IH0=")]
    [InlineData("config-invalid-utf8-enum_ff.json", "eyAiaW8iOiAi/yIgfQ==")]
    public void LoadFile_InvalidUtf8InsideAString_RefusedWithInvalidDataException(string name, string base64)
    {
        string path = _dir.File(name);
        File.WriteAllBytes(path, Convert.FromBase64String(base64));
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.LoadFile(path));
        Assert.Contains(path, ex.Message);
    }

    [Theory]
    [InlineData("eyAid2luZG93IjogIv8iIH0=")]
    [InlineData("eyAic291cmNlIjogeyAicGF0aHMiOiBbIv8ubnB5Il0gfSB9")]
    public void FromJson_InvalidUtf8InsideAString_RefusedWithInvalidDataException(string base64)
    {
        using JsonDocument document = JsonDocument.Parse(Convert.FromBase64String(base64));
        var ex = Assert.Throws<InvalidDataException>(() => WindowLoaderOptions.FromJson(document.RootElement, "app.json", "$.loader", _dir.Path));
        Assert.Contains("app.json", ex.Message);
    }
}
