namespace WindowDataset.Tests.Remote.Infrastructure;

/// <summary>Uploads a local Zarr directory store object by object (its keys are the relative paths with <c>/</c>), as a store on object storage is laid out.</summary>
public static class ZarrUpload
{
    /// <summary>Calls <paramref name="put"/> with <c>prefix/relative-key</c> and the bytes of every file under <paramref name="store"/>; returns the keys.</summary>
    public static List<string> Store(string store, string prefix, Action<string, byte[]> put)
    {
        var keys = new List<string>();
        foreach (string file in Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories))
        {
            string key = prefix.TrimEnd('/') + "/" + Path.GetRelativePath(store, file).Replace(Path.DirectorySeparatorChar, '/');
            put(key, File.ReadAllBytes(file));
            keys.Add(key);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
