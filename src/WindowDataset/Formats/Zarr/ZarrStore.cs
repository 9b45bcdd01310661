using System.Text.Json;
using WindowDataset.Remote;

namespace WindowDataset.Formats.Zarr;

/// <summary>
/// Zarr stores (a local directory, or a URL through <see cref="RemoteEngine"/>): detection, the arrays of a group
/// hierarchy, and opening one array (v2 <c>.zarray</c> or v3 <c>zarr.json</c>) as an <see cref="ArrayDescription"/>
/// whose <see cref="ArrayDescription.Chunks"/> decodes chunks.
/// </summary>
internal static class ZarrStore
{
    /// <summary>Group nesting followed by <see cref="ListArrays(string)"/>.</summary>
    public const int MaxDepth = 16;

    /// <summary>Arrays listed at most; directories visited at most.</summary>
    public const int MaxArrays = 10_000;

    private const int MaxDirectories = 100_000;

    /// <summary>Whether <paramref name="path"/> is a directory holding <c>.zarray</c>, <c>.zgroup</c> or <c>zarr.json</c>.</summary>
    public static bool IsZarr(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Directory.Exists(path)
            && (File.Exists(System.IO.Path.Combine(path, ".zarray")) || File.Exists(System.IO.Path.Combine(path, ".zgroup")) || File.Exists(System.IO.Path.Combine(path, "zarr.json")));
    }

    /// <summary>
    /// The arrays under <paramref name="path"/>: <c>""</c> when the path is itself an array, else their paths
    /// relative to it (<c>a</c>, <c>grp/x</c>), sorted. Follows groups only (directories with <c>.zgroup</c> or a
    /// group <c>zarr.json</c>), at most <see cref="MaxDepth"/> deep and <see cref="MaxArrays"/> arrays.
    /// </summary>
    public static IReadOnlyList<string> ListArrays(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireDirectory(path);
        using var storage = new LocalZarrStorage(path);
        return ListArrays(storage, NodeOf(storage, string.Empty)) ?? [];
    }

    /// <summary>
    /// Opens one array of a directory store. <paramref name="array"/> null (or empty): <paramref name="path"/> is
    /// the array, or its group hierarchy holds exactly one. Otherwise the array's path inside the group (<c>grp/x</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The array is not named and the group holds several, or the name is not one of them.</exception>
    public static ArrayDescription Open(string path, string? array)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireDirectory(path);
        return Open(new LocalZarrStorage(path), array);
    }

    /// <summary>
    /// Opens one array of a store under <paramref name="url"/> (<c>s3://bucket/a.zarr</c>, <c>az://...</c>,
    /// <c>https://...</c>), every object read through <paramref name="engine"/> (not owned). A group without
    /// <paramref name="array"/> is listed through its consolidated metadata (<c>.zmetadata</c>, or a v3 root
    /// <c>consolidated_metadata</c>), else by listing folders (S3, Azure); plain HTTP without either asks for the name.
    /// </summary>
    /// <exception cref="IOException">An object could not be read (after the engine's retries); the message names the redacted URL.</exception>
    public static ArrayDescription Open(RemoteEngine engine, string url, string? array) => Open(new RemoteZarrStorage(engine, url), array);

    /// <summary>Opens one array; takes ownership of <paramref name="storage"/> (the array's chunks keep it).</summary>
    internal static ArrayDescription Open(ZarrStorage storage, string? array)
    {
        try
        {
            return OpenCore(storage, array);
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }

    private static ArrayDescription OpenCore(ZarrStorage storage, string? array)
    {
        string root = storage.Root;
        string name = (array ?? string.Empty).Trim('/');
        Metadata node = NodeOf(storage, string.Empty);
        if (node.Node == Node.Array)
        {
            if (name.Length > 0)
            {
                throw new ArgumentException($"{root}: source.dataset: expected none (the {(storage is LocalZarrStorage ? "directory" : "store")} is one array); found '{array}'.", nameof(array));
            }

            return OpenArray(storage, string.Empty, string.Empty, node);
        }

        if (node.Node == Node.None)
        {
            throw new InvalidDataException($"{root}: expected a Zarr store (.zarray, .zgroup or zarr.json); found none.");
        }

        if (name.Length == 0)
        {
            List<string> all = ListArrays(storage, node)
                ?? throw new ArgumentException($"{root}: source.dataset: expected the name of an array of the group (an HTTP store has no listing, and this one has no consolidated metadata: no .zmetadata, no consolidated_metadata in zarr.json); found none.", nameof(array));
            if (all.Count == 1)
            {
                return OpenArray(storage, all[0], all[0], NodeOf(storage, all[0], V3First(storage, node)));
            }

            throw new ArgumentException(all.Count == 0
                ? $"{root}: source.dataset: expected a group holding an array; found a group with none."
                : $"{root}: source.dataset: expected one of {string.Join(", ", all)}; found none.", nameof(array));
        }

        string[] parts = name.Split('/');
        foreach (string part in parts)
        {
            if (part.Length == 0 || part is "." or ".." || part.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"{root}: source.dataset: expected a path of array and group names (a/b); found '{array}'.", nameof(array));
            }
        }

        string prefix = string.Join('/', parts);
        Metadata target = storage is LocalZarrStorage && !Directory.Exists(storage.Describe(prefix)) ? default : NodeOf(storage, prefix, V3First(storage, node));
        if (target.Node != Node.Array)
        {
            List<string>? all = ListArrays(storage, node);
            string expected = all is null ? "the path of an array of the group" : $"one of {(all.Count == 0 ? "(no arrays)" : string.Join(", ", all))}";
            throw new ArgumentException($"{root}: source.dataset: expected {expected}; found '{array}'.", nameof(array));
        }

        return OpenArray(storage, prefix, name, target);
    }

    /// <summary>
    /// The arrays of the hierarchy under the group <paramref name="rootNode"/>: from consolidated metadata when the
    /// storage prefers it and the store has it, else by walking the folders; null when neither is possible.
    /// </summary>
    private static List<string>? ListArrays(ZarrStorage storage, Metadata rootNode)
    {
        if (rootNode.Node == Node.Array)
        {
            return [string.Empty];
        }

        if (storage.PrefersConsolidated && Consolidated(storage, rootNode) is { } listed)
        {
            return listed;
        }

        string root = storage.Root;
        var arrays = new List<string>();
        var pending = new Stack<(string Prefix, int Depth)>();
        pending.Push((string.Empty, 0));
        int visited = 0;
        while (pending.Count > 0)
        {
            (string prefix, int depth) = pending.Pop();
            if (++visited > MaxDirectories)
            {
                throw new InvalidDataException($"{root}: expected at most {MaxDirectories} directories in the group hierarchy; found more.");
            }

            IReadOnlyList<string>? children = storage.ListChildren(prefix);
            if (children is null)
            {
                return null;
            }

            foreach (string child in children)
            {
                string childName = ZarrStorage.Join(prefix, child);
                switch (NodeOf(storage, childName, V3First(storage, rootNode)).Node)
                {
                    case Node.Array:
                        if (arrays.Count >= MaxArrays)
                        {
                            throw new InvalidDataException($"{root}: expected at most {MaxArrays} arrays; found more.");
                        }

                        arrays.Add(childName);
                        break;
                    case Node.Group when depth + 1 < MaxDepth:
                        pending.Push((childName, depth + 1));
                        break;
                    default:
                        break;
                }
            }
        }

        arrays.Sort(StringComparer.Ordinal);
        return arrays;
    }

    /// <summary>The arrays named by v2 <c>.zmetadata</c> or a v3 root's <c>consolidated_metadata</c>; null when the store has neither.</summary>
    private static List<string>? Consolidated(ZarrStorage storage, Metadata rootNode)
    {
        var arrays = new List<string>();
        if (rootNode.Key == "zarr.json")
        {
            using JsonDocument group = ZarrJson.Parse(storage.Describe(rootNode.Key), rootNode.Bytes);
            if (!ZarrJson.TryGet(group.RootElement, "consolidated_metadata", out JsonElement consolidated) || consolidated.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string file = storage.Describe(rootNode.Key);
            JsonElement entries = ZarrJson.Required(file, consolidated, "metadata", "consolidated_metadata.metadata");
            if (entries.ValueKind != JsonValueKind.Object)
            {
                throw ZarrJson.Invalid(file, "consolidated_metadata.metadata", "an object", ZarrJson.Show(entries));
            }

            foreach (JsonProperty entry in entries.EnumerateObject())
            {
                if (entry.Value.ValueKind == JsonValueKind.Object && ZarrJson.TryGet(entry.Value, "node_type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() == "array")
                {
                    Add(arrays, entry.Name.Trim('/'), storage.Root);
                }
            }
        }
        else
        {
            ZarrBytes bytes = storage.Read(".zmetadata", ZarrJson.MaxMetadataBytes * 16L);
            if (bytes.Missing)
            {
                return null;
            }

            string file = storage.Describe(".zmetadata");
            if (bytes.Buffer is null)
            {
                throw new InvalidDataException($"{file}: expected consolidated metadata of at most {ZarrJson.MaxMetadataBytes * 16L} bytes; found {bytes.Size} bytes.");
            }

            using JsonDocument document = ZarrJson.Parse(file, bytes.ToArrayAndReturn());
            JsonElement entries = ZarrJson.Required(file, document.RootElement, "metadata", "metadata");
            if (entries.ValueKind != JsonValueKind.Object)
            {
                throw ZarrJson.Invalid(file, "metadata", "an object", ZarrJson.Show(entries));
            }

            foreach (JsonProperty entry in entries.EnumerateObject())
            {
                if (entry.Name.EndsWith("/.zarray", StringComparison.Ordinal))
                {
                    Add(arrays, entry.Name[..^"/.zarray".Length].Trim('/'), storage.Root);
                }
            }
        }

        arrays.Sort(StringComparer.Ordinal);
        return arrays;

        static void Add(List<string> arrays, string name, string root)
        {
            if (arrays.Count >= MaxArrays)
            {
                throw new InvalidDataException($"{root}: expected at most {MaxArrays} arrays; found more.");
            }

            if (name.Length > 0 && name.Split('/').Length <= MaxDepth)
            {
                arrays.Add(name);
            }
        }
    }

    private static ArrayDescription OpenArray(ZarrStorage storage, string prefix, string name, Metadata node)
    {
        if (node.Node != Node.Array)
        {
            throw new InvalidDataException($"{storage.Describe(prefix)}: expected a Zarr array (.zarray or an array's zarr.json); found none.");
        }

        string file = storage.Describe(ZarrStorage.Join(prefix, node.Key));
        ZarrArrayMetadata metadata;
        using (JsonDocument document = ZarrJson.Parse(file, node.Bytes))
        {
            metadata = node.Key == ".zarray" ? ZarrV2Parser.Parse(file, document.RootElement) : ZarrV3Parser.Parse(file, document.RootElement);
        }

        var chunks = new ZarrArray(storage, prefix, name, metadata);
        string format = $"zarr v{metadata.ZarrFormat} ({string.Join(", ", metadata.ChunkShape)}) {metadata.CodecDescription}";
        return new ArrayDescription(metadata.Type, metadata.BigEndian, metadata.Shape, format, -1, chunks);
    }

    private static void RequireDirectory(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"{path}: expected a Zarr directory store; found no such directory.");
        }
    }

    /// <summary>What the node at <paramref name="prefix"/> is, with the metadata document that says so (kept for opening an array without reading it twice).</summary>
    private static Metadata NodeOf(ZarrStorage storage, string prefix, bool v3First = false)
    {
        // Under a v3 root the nodes are v3: asking for zarr.json first saves two GETs per node of a remote store.
        if (v3First && V3NodeOf(storage, prefix) is { Node: not Node.None } early)
        {
            return early;
        }

        if (ReadMetadata(storage, ZarrStorage.Join(prefix, ".zarray")) is { } v2)
        {
            return new Metadata(Node.Array, ".zarray", v2);
        }

        if (ReadMetadata(storage, ZarrStorage.Join(prefix, ".zgroup")) is { } group)
        {
            return new Metadata(Node.Group, ".zgroup", group);
        }

        return v3First ? default : V3NodeOf(storage, prefix);
    }

    private static Metadata V3NodeOf(ZarrStorage storage, string prefix)
    {
        string key = ZarrStorage.Join(prefix, "zarr.json");
        if (ReadMetadata(storage, key) is not { } v3)
        {
            return default;
        }

        string file = storage.Describe(key);
        using JsonDocument document = ZarrJson.Parse(file, v3);
        JsonElement nodeType = ZarrJson.Required(file, document.RootElement, "node_type", "node_type");
        string node = ZarrJson.String(file, nodeType, "node_type");
        return node switch
        {
            "array" => new Metadata(Node.Array, "zarr.json", v3),
            "group" => new Metadata(Node.Group, "zarr.json", v3),
            _ => throw ZarrJson.Invalid(file, "node_type", "\"array\" or \"group\"", $"\"{node}\""),
        };
    }

    /// <summary>Whether the nodes under <paramref name="root"/> are looked up as v3 first (remote stores with a v3 root).</summary>
    private static bool V3First(ZarrStorage storage, Metadata root) => storage.PrefersConsolidated && root.Key == "zarr.json";

    /// <summary>A metadata object's bytes (at most <see cref="ZarrJson.MaxMetadataBytes"/>), or null when it is missing.</summary>
    private static byte[]? ReadMetadata(ZarrStorage storage, string key)
    {
        ZarrBytes bytes = storage.Read(key, ZarrJson.MaxMetadataBytes);
        if (bytes.Missing)
        {
            return null;
        }

        if (bytes.Buffer is null)
        {
            throw new InvalidDataException($"{storage.Describe(key)}: expected a metadata file of at most {ZarrJson.MaxMetadataBytes} bytes; found {bytes.Size} bytes.");
        }

        return bytes.ToArrayAndReturn();
    }

    private enum Node
    {
        None,
        Group,
        Array,
    }

    private readonly record struct Metadata(Node Node, string Key, byte[] Bytes);
}
