using System.Text;

namespace ClaudeModelProxy.Service;

/// <summary>Quoting rules for the command lines this feature writes or prints.</summary>
public static class CommandQuoting
{
    /// <summary>Printed for the user to paste into a shell; left bare inside a token so the shell expands it.</summary>
    public const string UidExpression = "$(id -u)";

    /// <summary>POSIX shell: bare when safe, else single quotes (<c>'</c> written as <c>'\''</c>).</summary>
    public static string Posix(string argument)
    {
        if (argument.Length > 0 && IsPosixSafe(argument.Replace(UidExpression, "", StringComparison.Ordinal))) return argument;
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>
    /// Windows (CommandLineToArgvW / MSVCRT rules): bare when it is a plain word, else in double quotes with
    /// <c>"</c> written as <c>\"</c> and the backslashes before a quote doubled.
    /// </summary>
    public static string Windows(string argument) => Windows(argument, forceQuotes: false);

    public static string Windows(string argument, bool forceQuotes)
    {
        if (!forceQuotes && argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.' or '=' or ':')) return argument;
        var text = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }
            text.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes);
            backslashes = 0;
            text.Append(c);
        }
        text.Append('\\', backslashes * 2);
        return text.Append('"').ToString();
    }

    /// <summary>
    /// One word of systemd's ExecStart: a plain word as it is, anything else in double quotes with <c>\</c> and <c>"</c> escaped,
    /// <c>%</c> written as <c>%%</c> (specifiers) and, in arguments only, <c>$</c> as <c>$$</c> (systemd expands variables in the
    /// arguments, not in the executable's path, where <c>$$</c> would stay doubled).
    /// </summary>
    public static string Systemd(string argument) => Systemd(argument, isExecutable: false);

    public static string Systemd(string argument, bool isExecutable)
    {
        if (argument.Contains('\n') || argument.Contains('\r'))
            throw new ArgumentException("a systemd command line cannot hold a line break", nameof(argument));
        if (argument.Length > 0 && argument.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '+' or ',' or '@'))
            return argument;
        var escaped = argument
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("%", "%%", StringComparison.Ordinal)
            .Replace("$", isExecutable ? "$" : "$$", StringComparison.Ordinal);
        return "\"" + escaped + "\"";
    }

    public static string Join(IEnumerable<string> arguments, Func<string, string> quote) => string.Join(' ', arguments.Select(quote));

    private static bool IsPosixSafe(string text) =>
        text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '@' or '%' or '+' or ',');
}
