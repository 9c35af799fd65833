using System.Globalization;
using System.Text;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A line-based diff: longest common subsequence after trimming the common prefix and suffix,
/// rendered as a unified diff with a few lines of context.
/// </summary>
public static class LineDiff
{
    /// <summary>Above this many cells the middle of the files is shown as one replaced block instead.</summary>
    private const long MaxTableCells = 25_000_000;

    private const string NoFinalNewline = "\0no-eol";

    public enum EditKind
    {
        Equal,
        Delete,
        Insert,
    }

    /// <summary>One line of the edit script. Indexes are 0-based; -1 where the line is absent on that side.</summary>
    public readonly record struct Edit(EditKind Kind, int OldIndex, int NewIndex, string Line);

    /// <summary>
    /// Splits on '\n'. A final newline ends the last line rather than starting an empty one; a last line
    /// without one gets a marker, so "a" and "a\n" differ and the diff says "\ No newline at end of file".
    /// </summary>
    public static IReadOnlyList<string> SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var lines = text.Split('\n').ToList();
        if (lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }
        else
        {
            lines[^1] += NoFinalNewline;
        }

        return lines;
    }

    /// <summary>A minimal edit script turning <paramref name="oldLines"/> into <paramref name="newLines"/> (deletions before insertions).</summary>
    public static IReadOnlyList<Edit> Compute(IReadOnlyList<string> oldLines, IReadOnlyList<string> newLines)
    {
        var edits = new List<Edit>(Math.Max(oldLines.Count, newLines.Count));
        int n = oldLines.Count, m = newLines.Count;

        var prefix = 0;
        while (prefix < n && prefix < m && oldLines[prefix] == newLines[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < n - prefix && suffix < m - prefix && oldLines[n - 1 - suffix] == newLines[m - 1 - suffix])
        {
            suffix++;
        }

        for (var i = 0; i < prefix; i++)
        {
            edits.Add(new Edit(EditKind.Equal, i, i, oldLines[i]));
        }

        int oldEnd = n - suffix, newEnd = m - suffix;
        int rows = oldEnd - prefix, cols = newEnd - prefix;
        if ((long)(rows + 1) * (cols + 1) > MaxTableCells)
        {
            for (var i = prefix; i < oldEnd; i++)
            {
                edits.Add(new Edit(EditKind.Delete, i, -1, oldLines[i]));
            }

            for (var j = prefix; j < newEnd; j++)
            {
                edits.Add(new Edit(EditKind.Insert, -1, j, newLines[j]));
            }
        }
        else
        {
            // lcs[i, j] = length of the LCS of old[prefix + i ..] and new[prefix + j ..].
            var lcs = new int[rows + 1, cols + 1];
            for (var i = rows - 1; i >= 0; i--)
            {
                for (var j = cols - 1; j >= 0; j--)
                {
                    lcs[i, j] = oldLines[prefix + i] == newLines[prefix + j]
                        ? lcs[i + 1, j + 1] + 1
                        : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
                }
            }

            int a = 0, b = 0;
            while (a < rows || b < cols)
            {
                if (a < rows && b < cols && oldLines[prefix + a] == newLines[prefix + b])
                {
                    edits.Add(new Edit(EditKind.Equal, prefix + a, prefix + b, oldLines[prefix + a]));
                    a++;
                    b++;
                }
                else if (b >= cols || (a < rows && lcs[a + 1, b] >= lcs[a, b + 1]))
                {
                    edits.Add(new Edit(EditKind.Delete, prefix + a, -1, oldLines[prefix + a]));
                    a++;
                }
                else
                {
                    edits.Add(new Edit(EditKind.Insert, -1, prefix + b, newLines[prefix + b]));
                    b++;
                }
            }
        }

        for (var k = 0; k < suffix; k++)
        {
            edits.Add(new Edit(EditKind.Equal, oldEnd + k, newEnd + k, oldLines[oldEnd + k]));
        }

        return edits;
    }

    /// <summary>
    /// A unified diff (<c>---</c>/<c>+++</c> headers, <c>@@ -a,b +c,d @@</c> hunks), or an empty string when the texts are equal.
    /// Trailing whitespace on changed lines is made visible (<c>·</c> for a space, <c>→</c> for a tab).
    /// </summary>
    public static string Unified(string oldText, string newText, string oldLabel, string newLabel, int context = 3, int maxLines = 400)
    {
        var edits = Compute(SplitLines(oldText), SplitLines(newText));
        if (edits.All(e => e.Kind == EditKind.Equal))
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        sb.Append("--- ").Append(oldLabel).Append('\n');
        sb.Append("+++ ").Append(newLabel).Append('\n');
        var written = 0;
        foreach (var (start, end) in Hunks(edits, context))
        {
            var hunk = edits.Skip(start).Take(end - start).ToList();
            int oldCount = hunk.Count(e => e.Kind != EditKind.Insert), newCount = hunk.Count(e => e.Kind != EditKind.Delete);
            var oldStart = OldLinesBefore(edits, start) + (oldCount > 0 ? 1 : 0);
            var newStart = NewLinesBefore(edits, start) + (newCount > 0 ? 1 : 0);
            sb.Append(CultureInfo.InvariantCulture, $"@@ -{oldStart},{oldCount} +{newStart},{newCount} @@\n");
            foreach (var edit in hunk)
            {
                if (written++ >= maxLines)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"[... diff cut after {maxLines} lines ...]\n");
                    return sb.ToString();
                }

                var line = edit.Line;
                var noEol = line.EndsWith(NoFinalNewline, StringComparison.Ordinal);
                if (noEol)
                {
                    line = line[..^NoFinalNewline.Length];
                }

                sb.Append(edit.Kind switch { EditKind.Equal => ' ', EditKind.Delete => '-', _ => '+' })
                    .Append(edit.Kind == EditKind.Equal ? line : ShowTrailingWhitespace(line))
                    .Append('\n');
                if (noEol)
                {
                    sb.Append("\\ No newline at end of file\n");
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>[start, end) ranges of the edit script, each a run of changes with up to <paramref name="context"/> equal lines around it; close runs merge.</summary>
    private static IEnumerable<(int Start, int End)> Hunks(IReadOnlyList<Edit> edits, int context)
    {
        var changes = Enumerable.Range(0, edits.Count).Where(i => edits[i].Kind != EditKind.Equal).ToList();
        var k = 0;
        while (k < changes.Count)
        {
            var start = Math.Max(0, changes[k] - context);
            var last = changes[k];
            while (k + 1 < changes.Count && changes[k + 1] - last <= 2 * context + 1)
            {
                last = changes[++k];
            }

            k++;
            yield return (start, Math.Min(edits.Count, last + context + 1));
        }
    }

    private static int OldLinesBefore(IReadOnlyList<Edit> edits, int index) => edits.Take(index).Count(e => e.Kind != EditKind.Insert);

    private static int NewLinesBefore(IReadOnlyList<Edit> edits, int index) => edits.Take(index).Count(e => e.Kind != EditKind.Delete);

    private static string ShowTrailingWhitespace(string line)
    {
        var trimmed = line.TrimEnd(' ', '\t');
        return trimmed.Length == line.Length
            ? line
            : trimmed + line[trimmed.Length..].Replace(' ', '·').Replace('\t', '→');
    }
}
