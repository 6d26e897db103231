using System.Text;

namespace ClaudeModelProxy.Gateway;

/// <summary>Removes provider keys from text that came from elsewhere (an upstream echoing the key in an error, say).</summary>
public sealed class SecretRedactor
{
    private readonly byte[][] secrets;

    public SecretRedactor(IEnumerable<string?> secrets) =>
        this.secrets = secrets.Where(s => s is { Length: >= 6 }).Distinct().Select(s => Encoding.UTF8.GetBytes(s!)).ToArray();

    public bool Contains(ReadOnlySpan<byte> text)
    {
        foreach (var secret in secrets)
            if (text.IndexOf(secret) >= 0) return true;
        return false;
    }

    public byte[] Redact(byte[] text)
    {
        if (!Contains(text)) return text;
        var value = Encoding.UTF8.GetString(text);
        foreach (var secret in secrets) value = value.Replace(Encoding.UTF8.GetString(secret), "[redacted]", StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(value);
    }

    public string Redact(string text)
    {
        foreach (var secret in secrets) text = text.Replace(Encoding.UTF8.GetString(secret), "[redacted]", StringComparison.Ordinal);
        return text;
    }
}
