using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace WindowDataset.Remote;

/// <summary>
/// <c>s3://bucket/key</c> through AWSSDK.S3 with the SDK's default credential chain. A custom endpoint (an
/// S3-compatible server) gets path-style addressing and checksums only when required, which non-AWS stores need.
/// The SDK's own retries are off: the engine retries, within its budget.
/// </summary>
internal sealed class S3Backend : RemoteBackend
{
    private readonly AmazonS3Client _client;

    public S3Backend(string? endpoint, int concurrency, TimeSpan timeout)
    {
        var config = new AmazonS3Config
        {
            MaxErrorRetry = 0,
            Timeout = timeout,
            MaxConnectionsPerServer = Math.Max(2, concurrency),
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = Environment.GetEnvironmentVariable("AWS_REGION") is { Length: > 0 } region
                ? region
                : Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is { Length: > 0 } fallback ? fallback : "us-east-1";
        }

        _client = new AmazonS3Client(config);
    }

    public override async Task<RemoteObjectInfo> StatAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        try
        {
            GetObjectMetadataResponse response = await _client.GetObjectMetadataAsync(url.Container, url.Key, cancellationToken).ConfigureAwait(false);
            return new RemoteObjectInfo(response.ContentLength, response.ETag);
        }
        catch (AmazonS3Exception e)
        {
            throw Translate(e);
        }
    }

    public override async Task<RangeResponse> GetRangeAsync(RemoteUrl url, string? etag, long offset, long length, CancellationToken cancellationToken)
    {
        var request = new GetObjectRequest
        {
            BucketName = url.Container,
            Key = url.Key,
            ByteRange = new ByteRange(offset, offset + length - 1),
        };
        if (etag is not null)
        {
            request.EtagToMatch = etag;
        }

        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e)
        {
            throw Translate(e);
        }

        try
        {
            // Servers that ignore If-Match still name the version they served.
            if (etag is not null && response.ETag is { Length: > 0 } now && now != etag)
            {
                throw new RemoteChangedException(now);
            }

            if (response.ContentLength != length)
            {
                throw new RemoteTransientException(string.Create(CultureInfo.InvariantCulture, $"truncated body: Content-Length {response.ContentLength} for a {length}-byte range"));
            }

            return new RangeResponse(response.ResponseStream, response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public override async Task<List<string>> ListAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        await ListPagesAsync(new ListObjectsV2Request { BucketName = container, Prefix = prefix }, response =>
        {
            foreach (S3Object o in response.S3Objects ?? [])
            {
                keys.Add(o.Key);
            }
        }, cancellationToken).ConfigureAwait(false);
        return keys;
    }

    public override async Task<ObjectResponse?> GetObjectAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        GetObjectResponse response;
        try
        {
            response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = url.Container, Key = url.Key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e))
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw Translate(e);
        }

        return new ObjectResponse(response.ResponseStream, response.ContentLength, response.ETag, response);
    }

    public override async Task<RemoteObjectInfo?> TryStatAsync(RemoteUrl url, CancellationToken cancellationToken)
    {
        try
        {
            GetObjectMetadataResponse response = await _client.GetObjectMetadataAsync(url.Container, url.Key, cancellationToken).ConfigureAwait(false);
            return new RemoteObjectInfo(response.ContentLength, response.ETag);
        }
        catch (AmazonS3Exception e) when (IsMissingKey(e))
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw Translate(e);
        }
    }

    public override async Task<List<string>> ListFoldersAsync(RemoteUrl url, string container, string prefix, CancellationToken cancellationToken)
    {
        var folders = new List<string>();
        await ListPagesAsync(new ListObjectsV2Request { BucketName = container, Prefix = prefix, Delimiter = "/" }, response => folders.AddRange(response.CommonPrefixes ?? []), cancellationToken).ConfigureAwait(false);
        return folders;
    }

    /// <summary>Runs a listing page by page, handing each page to <paramref name="page"/>, at most a million pages.</summary>
    private async Task ListPagesAsync(ListObjectsV2Request request, Action<ListObjectsV2Response> page, CancellationToken cancellationToken)
    {
        for (int pages = 0; pages < 1_000_000; pages++)
        {
            ListObjectsV2Response response;
            try
            {
                response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (AmazonS3Exception e)
            {
                throw Translate(e);
            }

            page(response);
            if (response.IsTruncated != true || string.IsNullOrEmpty(response.NextContinuationToken))
            {
                return;
            }

            request.ContinuationToken = response.NextContinuationToken;
        }

        throw new RemotePermanentException("expected the listing to end; found more than a million pages.");
    }

    public override void Dispose() => _client.Dispose();

    /// <summary>A key that does not exist (GET: NoSuchKey; HEAD: a bare 404); a missing bucket is an error, not a missing key.</summary>
    private static bool IsMissingKey(AmazonS3Exception e) =>
        (int)e.StatusCode == 404 && e.ErrorCode != "NoSuchBucket";

    private static Exception Translate(AmazonS3Exception e)
    {
        int status = (int)e.StatusCode;
        string text = RemoteUrl.Redact(string.Create(CultureInfo.InvariantCulture, $"S3 {status} {e.ErrorCode}: {e.Message}"));
        if (status == 412)
        {
            return new RemoteChangedException("?");
        }

        return IsTransientStatus(status) ? new RemoteTransientException(text) : new RemotePermanentException(text);
    }
}
