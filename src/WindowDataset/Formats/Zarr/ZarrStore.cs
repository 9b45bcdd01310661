using System.Text.Json;

namespace WindowDataset.Formats.Zarr;

/// <summary>
/// Zarr directory stores: detection, the arrays of a group hierarchy, and opening one array (v2 <c>.zarray</c> or v3
/// <c>zarr.json</c>) as an <see cref="ArrayDescription"/> whose <see cref="ArrayDescription.Chunks"/> decodes chunks.
/// </summary>
internal static class ZarrStore
{
    /// <summary>Group nesting followed by <see cref="ListArrays"/>.</summary>
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
        if (NodeOf(path) == Node.Array)
        {
            return [string.Empty];
        }

        var arrays = new List<string>();
        var pending = new Stack<(string Directory, string Name, int Depth)>();
        pending.Push((path, string.Empty, 0));
        int visited = 0;
        while (pending.Count > 0)
        {
            (string directory, string name, int depth) = pending.Pop();
            if (++visited > MaxDirectories)
            {
                throw new InvalidDataException($"{path}: expected at most {MaxDirectories} directories in the group hierarchy; found more.");
            }

            foreach (string child in Directory.EnumerateDirectories(directory))
            {
                string childName = name.Length == 0 ? System.IO.Path.GetFileName(child) : name + "/" + System.IO.Path.GetFileName(child);
                if (new FileInfo(child).LinkTarget is not null)
                {
                    continue; // symbolic links could form cycles
                }

                switch (NodeOf(child))
                {
                    case Node.Array:
                        if (arrays.Count >= MaxArrays)
                        {
                            throw new InvalidDataException($"{path}: expected at most {MaxArrays} arrays; found more.");
                        }

                        arrays.Add(childName);
                        break;
                    case Node.Group when depth + 1 < MaxDepth:
                        pending.Push((child, childName, depth + 1));
                        break;
                    default:
                        break;
                }
            }
        }

        arrays.Sort(StringComparer.Ordinal);
        return arrays;
    }

    /// <summary>
    /// Opens one array. <paramref name="array"/> null (or empty): <paramref name="path"/> is the array, or its
    /// group hierarchy holds exactly one. Otherwise the array's path inside the group (<c>grp/x</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The array is not named and the group holds several, or the name is not one of them.</exception>
    public static ArrayDescription Open(string path, string? array)
    {
        ArgumentNullException.ThrowIfNull(path);
        RequireDirectory(path);
        string name = (array ?? string.Empty).Trim('/');
        Node root = NodeOf(path);
        if (root == Node.Array)
        {
            if (name.Length > 0)
            {
                throw new ArgumentException($"{path}: source.dataset: expected none (the directory is one array); found '{array}'.", nameof(array));
            }

            return OpenArray(path, string.Empty);
        }

        if (root == Node.None)
        {
            throw new InvalidDataException($"{path}: expected a Zarr store (.zarray, .zgroup or zarr.json); found none.");
        }

        if (name.Length == 0)
        {
            IReadOnlyList<string> all = ListArrays(path);
            if (all.Count == 1)
            {
                return OpenArray(System.IO.Path.Combine(path, all[0]), all[0]);
            }

            throw new ArgumentException(all.Count == 0
                ? $"{path}: source.dataset: expected a group holding an array; found a group with none."
                : $"{path}: source.dataset: expected one of {string.Join(", ", all)}; found none.", nameof(array));
        }

        string[] parts = name.Split('/');
        foreach (string part in parts)
        {
            if (part.Length == 0 || part is "." or ".." || part.Contains('\\', StringComparison.Ordinal))
            {
                throw new ArgumentException($"{path}: source.dataset: expected a path of array and group names (a/b); found '{array}'.", nameof(array));
            }
        }

        string directory = System.IO.Path.Combine([path, .. parts]);
        if (!Directory.Exists(directory) || NodeOf(directory) != Node.Array)
        {
            IReadOnlyList<string> all = ListArrays(path);
            throw new ArgumentException($"{path}: source.dataset: expected one of {(all.Count == 0 ? "(no arrays)" : string.Join(", ", all))}; found '{array}'.", nameof(array));
        }

        return OpenArray(directory, name);
    }

    private static ArrayDescription OpenArray(string directory, string name)
    {
        string v2 = System.IO.Path.Combine(directory, ".zarray");
        string file = File.Exists(v2) ? v2 : System.IO.Path.Combine(directory, "zarr.json");
        ZarrArrayMetadata metadata;
        using (JsonDocument document = ZarrJson.Read(file))
        {
            metadata = file == v2 ? ZarrV2Parser.Parse(file, document.RootElement) : ZarrV3Parser.Parse(file, document.RootElement);
        }

        var chunks = new ZarrArray(directory, name, metadata);
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

    private static Node NodeOf(string directory)
    {
        if (File.Exists(System.IO.Path.Combine(directory, ".zarray")))
        {
            return Node.Array;
        }

        if (File.Exists(System.IO.Path.Combine(directory, ".zgroup")))
        {
            return Node.Group;
        }

        string v3 = System.IO.Path.Combine(directory, "zarr.json");
        if (!File.Exists(v3))
        {
            return Node.None;
        }

        using JsonDocument document = ZarrJson.Read(v3);
        JsonElement nodeType = ZarrJson.Required(v3, document.RootElement, "node_type", "node_type");
        string node = ZarrJson.String(v3, nodeType, "node_type");
        return node switch
        {
            "array" => Node.Array,
            "group" => Node.Group,
            _ => throw ZarrJson.Invalid(v3, "node_type", "\"array\" or \"group\"", $"\"{node}\""),
        };
    }

    private enum Node
    {
        None,
        Group,
        Array,
    }
}
