using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// The tables and keys of a fly.toml, each with its line. Enough TOML for what the conventions read: tables, array
/// tables, dotted and quoted keys, strings, and values spread over lines (arrays, multi-line strings) skipped whole.
/// Inline tables (<c>deploy = { release_command = "migrate" }</c>) are read as one value, not as keys.
/// </summary>
internal sealed class TomlDocument
{
    private TomlDocument(List<TomlTable> tables, List<TomlEntry> entries)
    {
        Tables = tables;
        Entries = entries;
    }

    public IReadOnlyList<TomlTable> Tables { get; }

    public IReadOnlyList<TomlEntry> Entries { get; }

    public static TomlDocument Parse(IReadOnlyList<string> lines)
    {
        var tables = new List<TomlTable>();
        var entries = new List<TomlEntry>();
        var table = string.Empty;
        var instances = new Dictionary<string, int>(StringComparer.Ordinal);
        var instance = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                var isArray = line.StartsWith("[[", StringComparison.Ordinal);
                var close = line.IndexOf(isArray ? "]]" : "]", StringComparison.Ordinal);
                if (close < 0)
                {
                    continue;
                }

                var start = isArray ? 2 : 1;
                table = JoinKey(line.Substring(start, close - start));
                instance = 0;
                if (isArray)
                {
                    instances.TryGetValue(table, out var seen);
                    instance = seen;
                    instances[table] = seen + 1;
                }

                tables.Add(new TomlTable(table, isArray, i));
                continue;
            }

            var equals = IndexOutsideQuotes(line, '=');
            if (equals <= 0)
            {
                continue;
            }

            var first = i;
            var value = new StringBuilder(StripComment(line.Substring(equals + 1)).Trim());
            while (!IsComplete(value.ToString()) && i + 1 < lines.Count)
            {
                i++;
                value.Append('\n').Append(StripComment(lines[i]).Trim());
            }

            entries.Add(new TomlEntry(table, instance, JoinKey(line.Substring(0, equals)), Unquote(value.ToString().Trim()), first));
        }

        return new TomlDocument(tables, entries);
    }

    /// <summary>The entries at <paramref name="path"/> (<c>deploy.release_command</c>), in file order.</summary>
    public IEnumerable<TomlEntry> At(string path) => Entries.Where(e => e.Path == path);

    public TomlTable? Table(string name) => Tables.FirstOrDefault(t => t.Name == name);

    private static string JoinKey(string key)
    {
        var parts = new List<string>();
        var part = new StringBuilder();
        var quote = '\0';
        foreach (var c in key.Trim())
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    part.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '.')
            {
                parts.Add(part.ToString().Trim());
                part.Clear();
            }
            else
            {
                part.Append(c);
            }
        }

        parts.Add(part.ToString().Trim());
        return string.Join(".", parts);
    }

    private static int IndexOutsideQuotes(string text, char wanted)
    {
        foreach (var (index, c) in OutsideQuotes(text))
        {
            if (c == wanted)
            {
                return index;
            }
        }

        return -1;
    }

    // The characters of a line that are not inside a basic ("...") or literal ('...') string, with their index.
    private static IEnumerable<(int Index, char Char)> OutsideQuotes(string text)
    {
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else
            {
                yield return (i, c);
            }
        }
    }

    private static string StripComment(string text)
    {
        var hash = IndexOutsideQuotes(text, '#');
        return hash < 0 ? text : text.Substring(0, hash);
    }

    // A value continues on the next line while a multi-line string is open or its brackets are not closed.
    private static bool IsComplete(string value)
    {
        foreach (var triple in new[] { "\"\"\"", "'''" })
        {
            if (value.StartsWith(triple, StringComparison.Ordinal))
            {
                return value.Length >= 6 && value.EndsWith(triple, StringComparison.Ordinal);
            }
        }

        var depth = 0;
        foreach (var (_, c) in OutsideQuotes(value))
        {
            depth += c is '[' or '{' ? 1 : c is ']' or '}' ? -1 : 0;
        }

        return depth <= 0;
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[value.Length - 1] == '\'' && !value.StartsWith("'''", StringComparison.Ordinal))
        {
            return value.Substring(1, value.Length - 2);
        }

        if (value.Length < 2 || value[0] != '"' || value[value.Length - 1] != '"' || value.StartsWith("\"\"\"", StringComparison.Ordinal))
        {
            return value;
        }

        var text = new StringBuilder();
        for (var i = 1; i < value.Length - 1; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length - 1)
            {
                i++;
                text.Append(value[i] switch { 'n' => '\n', 't' => '\t', _ => value[i] });
            }
            else
            {
                text.Append(value[i]);
            }
        }

        return text.ToString();
    }
}
