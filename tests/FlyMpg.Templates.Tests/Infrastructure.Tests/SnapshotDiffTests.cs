using FlyMpg.Templates.Tests.Infrastructure;
using static FlyMpg.Templates.Tests.Infrastructure.LineDiff;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public class SnapshotDiffTests
{
    [Theory]
    [InlineData("", "", "")]
    [InlineData("a b c", "a b c", "=a =b =c")]
    [InlineData("a b c", "a x c", "=a -b +x =c")]
    [InlineData("a b c", "a c", "=a -b =c")]
    [InlineData("a c", "a b c", "=a +b =c")]
    [InlineData("", "a b", "+a +b")]
    [InlineData("a b", "", "-a -b")]
    [InlineData("a b c a b b a", "c b a b a c", "-a -b =c -a =b +a =b =a +c")]
    [InlineData("x a y", "a x y", "-x =a +x =y")]
    public void Edit_script_is_minimal_and_ordered(string before, string after, string expected)
    {
        var oldLines = Words(before);
        var newLines = Words(after);

        var edits = Compute(oldLines, newLines);

        Assert.Equal(expected, Render(edits));
        // Replaying the script must rebuild both sides exactly.
        Assert.Equal(oldLines, edits.Where(e => e.Kind != EditKind.Insert).Select(e => e.Line));
        Assert.Equal(newLines, edits.Where(e => e.Kind != EditKind.Delete).Select(e => e.Line));
        Assert.Equal(Lcs(oldLines, newLines), edits.Count(e => e.Kind == EditKind.Equal));
    }

    [Fact]
    public void Random_inputs_replay_to_both_sides_with_a_longest_common_subsequence()
    {
        var random = new Random(20261124);
        for (var round = 0; round < 300; round++)
        {
            var a = Enumerable.Range(0, random.Next(0, 12)).Select(_ => ((char)('a' + random.Next(3))).ToString()).ToList();
            var b = Enumerable.Range(0, random.Next(0, 12)).Select(_ => ((char)('a' + random.Next(3))).ToString()).ToList();

            var edits = Compute(a, b);

            var context = $"round {round}: [{string.Join(' ', a)}] -> [{string.Join(' ', b)}] gave {Render(edits)}";
            Assert.True(a.SequenceEqual(edits.Where(e => e.Kind != EditKind.Insert).Select(e => e.Line)), context);
            Assert.True(b.SequenceEqual(edits.Where(e => e.Kind != EditKind.Delete).Select(e => e.Line)), context);
            Assert.True(Lcs(a, b) == edits.Count(e => e.Kind == EditKind.Equal), context);
        }
    }

    [Fact]
    public void Unified_diff_shows_a_changed_character_with_context_and_hunk_header()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 10\n", "line 1O\n", StringComparison.Ordinal);

        var diff = Unified(before, after, "verified/a.txt", "received/a.txt");

        Assert.Equal(
            """
            --- verified/a.txt
            +++ received/a.txt
            @@ -7,7 +7,7 @@
             line 7
             line 8
             line 9
            -line 10
            +line 1O
             line 11
             line 12
             line 13

            """.ReplaceLineEndings("\n"),
            diff);
    }

    [Fact]
    public void Unified_diff_keeps_distant_changes_in_separate_hunks_and_merges_close_ones()
    {
        var before = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"{i}")) + "\n";
        var after = before
            .Replace("\n2\n", "\ntwo\n", StringComparison.Ordinal)
            .Replace("\n5\n", "\nfive\n", StringComparison.Ordinal)
            .Replace("\n25\n", "\ntwenty-five\n", StringComparison.Ordinal);

        var diff = Unified(before, after, "a", "b");

        var headers = diff.Split('\n').Where(l => l.StartsWith("@@", StringComparison.Ordinal)).ToList();
        Assert.Equal(["@@ -1,8 +1,8 @@", "@@ -22,7 +22,7 @@"], headers);
    }

    [Fact]
    public void Unified_diff_reports_a_missing_final_newline_and_trailing_whitespace()
    {
        Assert.Contains("\\ No newline at end of file", Unified("a\nb\n", "a\nb", "v", "r"), StringComparison.Ordinal);
        Assert.Contains("+b··\n", Unified("a\nb\n", "a\nb  \n", "v", "r"), StringComparison.Ordinal);
    }

    [Fact]
    public void Unified_diff_of_equal_texts_is_empty()
    {
        Assert.Equal(string.Empty, Unified("same\ntext\n", "same\ntext\n", "v", "r"));
    }

    [Fact]
    public void Diff_against_nothing_starts_at_zero()
    {
        var diff = Unified(string.Empty, "new\nfile\n", "/dev/null", "received/x");

        Assert.Contains("@@ -0,0 +1,2 @@\n+new\n+file\n", diff, StringComparison.Ordinal);
    }

    private static List<string> Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Render(IEnumerable<Edit> edits) =>
        string.Join(' ', edits.Select(e => (e.Kind switch { EditKind.Equal => "=", EditKind.Delete => "-", _ => "+" }) + e.Line));

    private static int Lcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var table = new int[a.Count + 1, b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table[a.Count, b.Count];
    }
}
