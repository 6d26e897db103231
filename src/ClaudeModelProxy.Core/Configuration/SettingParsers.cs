using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace ClaudeModelProxy.Core.Configuration;

/// <summary>The parsers the rows of <see cref="SettingTable"/> use.</summary>
public static class SettingParsers
{
    public static SettingParser<int> Port { get; } = new(
        (string text, out int port) => int.TryParse(text, out port) && port is >= 1 and <= 65535,
        "a port number (1-65535)",
        Invariant);

    public static SettingParser<TimeSpan> Seconds { get; } = new(
        (string text, out TimeSpan value) =>
        {
            var parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds <= 86_400;
            value = parsed ? TimeSpan.FromSeconds(seconds) : default;
            return parsed;
        },
        "a number of seconds (0-86400)",
        value => value.TotalSeconds.ToString(CultureInfo.InvariantCulture));

    public static SettingParser<int> Count(int min, int max) => new(
        (string text, out int count) => int.TryParse(text, out count) && count >= min && count <= max,
        $"a whole number from {min} to {max}",
        Invariant);

    public static SettingParser<bool> Boolean { get; } = new(
        (string text, out bool value) =>
        {
            (var parsed, value) = text.ToLowerInvariant() switch
            {
                "true" or "1" or "yes" or "on" => (true, true),
                "false" or "0" or "no" or "off" => (true, false),
                _ => (false, false),
            };
            return parsed;
        },
        "true or false",
        value => value ? "true" : "false");

    public static SettingParser<IPAddress> BindAddress { get; } = new(
        (string text, [MaybeNullWhen(false)] out IPAddress address) =>
        {
            if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase))
            {
                address = IPAddress.Loopback;
                return true;
            }
            return IPAddress.TryParse(text, out address);
        },
        "an IP address",
        address => address.ToString()) { Instead = "listening on" };

    public static SettingParser<OpenAiWireApi> OpenAiWire { get; } = new(
        (string text, out OpenAiWireApi api) =>
        {
            (var parsed, api) = text.Trim().ToLowerInvariant() switch
            {
                "responses" => (true, OpenAiWireApi.Responses),
                "chat" or "chat_completions" or "chat-completions" => (true, OpenAiWireApi.Chat),
                _ => (false, OpenAiWireApi.Responses),
            };
            return parsed;
        },
        "responses or chat",
        api => api == OpenAiWireApi.Chat ? "chat" : "responses");

    /// <summary>An http(s) URL, kept without its trailing slash.</summary>
    public static SettingParser<string> Url { get; } = new(
        (string text, [MaybeNullWhen(false)] out string url) =>
        {
            var valid = Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
            url = valid ? text.TrimEnd('/') : null;
            return valid;
        },
        "an http(s) URL",
        url => url) { Shown = UrlRedactor.Redact };

    /// <summary>Any text (a token); unset is null.</summary>
    public static SettingParser<string?> Text { get; } = new(
        (string text, out string? value) =>
        {
            value = text;
            return true;
        },
        "text",
        value => value);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
