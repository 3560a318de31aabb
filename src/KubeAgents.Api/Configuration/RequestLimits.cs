namespace KubeAgents.Api.Configuration;

/// <summary>How large a request body may be.</summary>
internal static class RequestLimits
{
    /// <summary>
    /// 128 KiB, refused with 413 before the body is read (Kestrel checks a Content-Length up front and
    /// counts chunked bodies as they arrive). The largest valid report: its text fields hold at most
    /// 100 + 200 + 200 + 500 + 1000 + 10000 = 12,000 UTF-16 code units; JSON's worst spelling of a code
    /// unit is a <c>\uXXXX</c> escape, 6 bytes (a UTF-8 character is at most 3 bytes per code unit),
    /// which Python's <c>json.dumps</c> uses for every non-ASCII character by default. That is 72,000
    /// bytes, plus about 300 for keys, status, timestamp and ttl_minutes: some 72.3 KB, more than
    /// 64 KiB. 128 KiB leaves room for pretty-printing and unknown fields (kept accepted, as the
    /// original accepts them) and is still 230 times below Kestrel's default of 30 MB.
    /// </summary>
    public const long MaxBodyBytes = 128 * 1024;
}
