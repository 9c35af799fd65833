using System;
using System.Collections.Generic;
using System.Linq;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>The settings of a PgBouncer ini file (or a fragment of one, as local/pgbouncer-mpg.ini is), in file order.</summary>
internal sealed class IniDocument
{
    private IniDocument(List<IniEntry> entries) => Entries = entries;

    public IReadOnlyList<IniEntry> Entries { get; }

    public static IniDocument Parse(IReadOnlyList<string> lines)
    {
        var entries = new List<IniEntry>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is ';' or '#' or '[' or '%')
            {
                continue;
            }

            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var above = i > 0 ? lines[i - 1].Trim() : string.Empty;
            var comment = above.StartsWith(";", StringComparison.Ordinal) && !above.StartsWith(";;", StringComparison.Ordinal) ? above.Substring(1).Trim().TrimEnd('.') : null;
            entries.Add(new IniEntry(line.Substring(0, equals).Trim(), line.Substring(equals + 1).Trim(), i, comment));
        }

        return new IniDocument(entries);
    }

    /// <summary>The value PgBouncer uses for <paramref name="key"/>: the last one given.</summary>
    public IniEntry? Last(string key) => Entries.LastOrDefault(e => string.Equals(e.Key, key, StringComparison.OrdinalIgnoreCase));
}
