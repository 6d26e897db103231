namespace ClaudeModelProxy.Core.Configuration;

/// <summary>Removes credentials (user:password@) from URLs before they are shown anywhere.</summary>
public static class UrlRedactor
{
    public static string Redact(string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        var start = schemeEnd < 0 ? 0 : schemeEnd + 3;
        var hostEnd = url.IndexOfAny(['/', '?', '#'], start);
        var authority = hostEnd < 0 ? url[start..] : url[start..hostEnd];
        var at = authority.LastIndexOf('@');
        if (at < 0) return url;
        return url[..start] + "***@" + url[(start + at + 1)..];
    }
}
