using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// The console log of a generated service (Microsoft.Extensions.Logging's simple formatter) split into
/// entries: an entry starts with <c>info: </c>, <c>warn: </c>, <c>fail: </c>, ... and runs until the next one.
/// </summary>
public static partial class ServiceLog
{
    public static IReadOnlyList<string> Entries(string output)
    {
        var entries = new List<string>();
        var current = new List<string>();
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (EntryStart().IsMatch(line) && current.Count > 0)
            {
                entries.Add(string.Join('\n', current));
                current.Clear();
            }

            if (line.Length > 0)
            {
                current.Add(line);
            }
        }

        if (current.Count > 0)
        {
            entries.Add(string.Join('\n', current));
        }

        return entries;
    }

    [GeneratedRegex("^(trce|dbug|info|warn|fail|crit): ")]
    private static partial Regex EntryStart();
}
