using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Template-engine style globs over '/'-separated relative paths.</summary>
public static class Glob
{
    /// <summary><c>**/</c> any folders (or none), <c>**</c> anything, <c>*</c> within one segment, <c>?</c> one character, <c>[..]</c> a class. Case-sensitive, like the engine on Linux.</summary>
    public static Regex ToRegex(string glob)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(glob);
        var pattern = glob.Replace('\\', '/');
        if (pattern.StartsWith("./", StringComparison.Ordinal))
        {
            pattern = pattern[2..];
        }

        var sb = new System.Text.StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                var slashFollows = i + 2 < pattern.Length && pattern[i + 2] == '/';
                sb.Append(slashFollows ? "(?:.*/)?" : ".*");
                i += slashFollows ? 2 : 1;
            }
            else if (c == '*')
            {
                sb.Append("[^/]*");
            }
            else if (c == '?')
            {
                sb.Append("[^/]");
            }
            else if (c == '[' && pattern.IndexOf(']', i + 1) is var close and > 0)
            {
                var set = pattern[(i + 1)..close].Replace("\\", "\\\\", StringComparison.Ordinal);
                sb.Append('[').Append(set.StartsWith('!') ? "^" + set[1..] : set).Append(']');
                i = close;
            }
            else
            {
                sb.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }

    public static bool IsMatch(string glob, string relativePath) => ToRegex(glob).IsMatch(relativePath.Replace('\\', '/'));
}
