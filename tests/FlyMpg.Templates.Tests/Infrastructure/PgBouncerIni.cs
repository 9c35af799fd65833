namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Reads the <c>[pgbouncer]</c> settings of a PgBouncer ini file the way PgBouncer does: lines in file order,
/// <c>%include</c> read in place (an included fragment continues the section it is included from), the last value of
/// a key wins. Keys are lower-cased; values are kept as written.
/// </summary>
public static class PgBouncerIni
{
    private const string Section = "pgbouncer";

    /// <param name="file">The ini file on this machine.</param>
    /// <param name="includedFile">Maps a path written after <c>%include</c> (as the PgBouncer that reads it sees it) to a file on this machine.</param>
    /// <param name="fragmentOf">The section <paramref name="file"/> continues when it is itself a fragment (e.g. <c>pgbouncer</c>); null for a whole file.</param>
    public static IReadOnlyDictionary<string, string> ReadPgBouncerSection(string file, Func<string, string> includedFile, string? fragmentOf = null)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        Read(file, fragmentOf, includedFile, settings, []);
        return settings;
    }

    private static string? Read(string file, string? section, Func<string, string> includedFile, Dictionary<string, string> settings, HashSet<string> reading)
    {
        var fullPath = Path.GetFullPath(file);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"PgBouncer ini file '{fullPath}' does not exist.", fullPath);
        }

        if (!reading.Add(fullPath))
        {
            throw new InvalidOperationException($"'{fullPath}' includes itself.");
        }

        foreach (var rawLine in File.ReadLines(fullPath))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] is ';' or '#')
            {
                continue;
            }

            if (line.StartsWith("%include", StringComparison.Ordinal))
            {
                section = Read(includedFile(line["%include".Length..].Trim()), section, includedFile, settings, reading);
            }
            else if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim().ToLowerInvariant();
            }
            else if (line.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals && section == Section)
            {
                settings[line[..equals].Trim().ToLowerInvariant()] = line[(equals + 1)..].Trim();
            }
        }

        reading.Remove(fullPath);
        return section;
    }
}
