using System.Text.RegularExpressions;

namespace WindowDataset.Remote;

/// <summary>A parsed source URL: which client reads it, its bucket or container and key, and a name safe to print.</summary>
internal sealed partial class RemoteUrl
{
    private RemoteUrl(string original, RemoteUrlKind kind, string container, string key, Uri? uri)
    {
        Original = original;
        Kind = kind;
        Container = container;
        Key = key;
        Uri = uri;
        Name = Redact(original);
    }

    /// <summary>The URL as given (may hold credentials: never print it).</summary>
    public string Original { get; }

    public RemoteUrlKind Kind { get; }

    /// <summary>S3 bucket or Azure container; empty for plain HTTP.</summary>
    public string Container { get; }

    /// <summary>S3 key or blob name; empty for plain HTTP.</summary>
    public string Key { get; }

    /// <summary>The absolute URI of HTTP and Azure-URI forms.</summary>
    public Uri? Uri { get; }

    /// <summary>The URL with userinfo and signatures redacted.</summary>
    public string Name { get; }

    /// <summary>Whether <paramref name="path"/> is a URL this library reads (<c>s3://</c>, <c>az://</c>, <c>http://</c>, <c>https://</c>) rather than a local path.</summary>
    public static bool IsUrl(string? path) =>
        path is not null
        && (path.StartsWith("s3://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("az://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    /// <summary>Parses <paramref name="url"/>; throws <see cref="ArgumentException"/> naming the redacted URL when it is malformed.</summary>
    public static RemoteUrl Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (url.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("az://", StringComparison.OrdinalIgnoreCase))
        {
            bool s3 = url[0] is 's' or 'S';
            string rest = url[5..];
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new ArgumentException($"{Redact(url)}: expected {(s3 ? "s3://bucket/key" : "az://container/blob")}; found no {(slash <= 0 ? (s3 ? "bucket" : "container") : (s3 ? "key" : "blob name"))}.", nameof(url));
            }

            return new RemoteUrl(url, s3 ? RemoteUrlKind.S3 : RemoteUrlKind.AzureContainer, rest[..slash], rest[(slash + 1)..], null);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Host.Length == 0)
        {
            throw new ArgumentException($"{Redact(url)}: expected an s3://, az://, http:// or https:// URL; found no such URL.", nameof(url));
        }

        if (uri.Host.EndsWith(".blob.core.windows.net", StringComparison.OrdinalIgnoreCase))
        {
            string path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            int slash = path.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == path.Length - 1)
            {
                throw new ArgumentException($"{Redact(url)}: expected https://account.blob.core.windows.net/container/blob; found no {(slash <= 0 ? "container" : "blob name")}.", nameof(url));
            }

            return new RemoteUrl(url, RemoteUrlKind.AzureUri, path[..slash], path[(slash + 1)..], uri);
        }

        return new RemoteUrl(url, RemoteUrlKind.Http, string.Empty, string.Empty, uri);
    }

    /// <summary>
    /// <paramref name="text"/> (a URL, a connection string or a message quoting one) with userinfo and the values of
    /// signatures, credentials and account keys replaced by <c>REDACTED</c>.
    /// </summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        string result = UserInfo().Replace(text, "$1");
        return Secret().Replace(result, "$1=REDACTED");
    }

    [GeneratedRegex(@"((?:https?|s3|az)://)[^/@\s?#]+@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"\b(sig|x-amz-signature|x-amz-credential|x-amz-security-token|accountkey|sharedaccesssignature|password|pwd)=([^&;\s""']+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();
}
