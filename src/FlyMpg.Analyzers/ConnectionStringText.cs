using System;
using System.Collections.Generic;

namespace FlyMpg.Analyzers;

/// <summary>Reads ADO.NET connection strings ("Host=h;Max Auto Prepare=5") well enough to find keywords; values may be quoted.</summary>
internal static class ConnectionStringText
{
    public const string MaxAutoPrepare = "maxautoprepare";
    public const string SearchPath = "searchpath";
    public const string Options = "options";

    public static string Normalize(string keyword) => keyword.Replace(" ", string.Empty).ToLowerInvariant();

    public static bool IsUrl(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || trimmed.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
    }

    public static List<ConnectionStringPair> Parse(string text)
    {
        var pairs = new List<ConnectionStringPair>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            var equals = text.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var keyword = text.Substring(i, equals - i).Trim();
            i = equals + 1;
            while (i < text.Length && text[i] == ' ')
            {
                i++;
            }

            string value;
            if (i < text.Length && (text[i] == '"' || text[i] == '\''))
            {
                var quote = text[i];
                var close = text.IndexOf(quote, i + 1);
                close = close < 0 ? text.Length : close;
                value = text.Substring(i + 1, close - i - 1);
                var semicolon = text.IndexOf(';', Math.Min(close + 1, text.Length));
                i = semicolon < 0 ? text.Length : semicolon;
            }
            else
            {
                var semicolon = text.IndexOf(';', i);
                var end = semicolon < 0 ? text.Length : semicolon;
                value = text.Substring(i, end - i).Trim();
                i = end;
            }

            if (keyword.Length > 0)
            {
                pairs.Add(new ConnectionStringPair(keyword, value, start, i - start));
            }

            i++; // the ';'
        }

        return pairs;
    }

    /// <summary>The connection string without the segment of the given keyword (and one of its ';' separators).</summary>
    public static string? Remove(string text, string normalizedKeyword)
    {
        foreach (var pair in Parse(text))
        {
            if (pair.Normalized != normalizedKeyword)
            {
                continue;
            }

            var start = pair.Start;
            var end = pair.Start + pair.Length;
            if (end < text.Length && text[end] == ';')
            {
                end++; // "A=1;Max Auto Prepare=5;B=2" -> "A=1;B=2"
            }
            else if (start > 0 && text[start - 1] == ';')
            {
                start--; // "A=1;Max Auto Prepare=5" -> "A=1"
            }

            return text.Substring(0, start) + text.Substring(end);
        }

        return null;
    }
}
