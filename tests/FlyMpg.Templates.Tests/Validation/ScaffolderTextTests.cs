using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Validation;

/// <summary>
/// flympg-add shares fly.toml, the Dockerfile, compose.yaml and local/ with flympg-web through its template.json sources;
/// its MPG.md is its own text, and these checks keep the parts it repeats from the generated README from drifting, and the
/// pack READMEs' commands equal to the ones the scaffolder tests run.
/// </summary>
public sealed class ScaffolderTextTests
{
    private static readonly string GeneratedReadme = File.ReadAllText(Path.Combine(TestPaths.TemplatesRoot, "flympg-web", "README.md"));
    private static readonly string MpgSection = File.ReadAllText(Path.Combine(TestPaths.TemplatesRoot, "flympg-add", "MPG.md"));

    [Theory]
    [InlineData("| Basic, Starter | 200 | 50 (10 reserved) |")]
    [InlineData("| Launch | 500 | 150 (30 reserved) |")]
    [InlineData("| Scale, Performance | 1000 | 300 (50 reserved) |")]
    [InlineData("Each Machine opens at most its pool size. Check the sum against your plan before you scale:")]
    public void MPG_md_repeats_the_connection_budget_of_the_generated_README_word_for_word(string line)
    {
        Assert.Contains(line, GeneratedReadme);
        Assert.Contains(line, MpgSection);
    }

    [Fact]
    public void MPG_md_repeats_the_first_five_deploy_steps_of_the_generated_README_word_for_word()
    {
        static string Steps(string text)
        {
            var start = text.IndexOf("1. Create the Postgres cluster", StringComparison.Ordinal);
            var end = text.IndexOf("6. Deploy:", start, StringComparison.Ordinal);
            Assert.True(start >= 0 && end > start, "no deploy steps 1 to 6");
            return text[start..end];
        }

        Assert.Equal(Steps(GeneratedReadme), Steps(MpgSection));
    }

    [Theory]
    [InlineData("README.md")]
    [InlineData("Templates.README.md")]
    public void The_pack_README_gives_the_commands_the_scaffolder_tests_run(string readme)
    {
        var text = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, readme));

        // The three commands as one block, in order, each line the command (a comment may follow it).
        string[] commands =
        [
            "dotnet " + string.Join(' ', ScaffoldedService.RestoreCommand),
            "dotnet new " + string.Join(' ', ScaffoldedService.AddCommand),
            "dotnet " + string.Join(' ', ScaffoldedService.FormatCommand),
        ];
        var lines = text.Split('\n').Select(l => l.Split('#')[0].Trim()).ToList();
        var block = Enumerable.Range(0, Math.Max(0, lines.Count - 2)).Any(i => lines[i] == commands[0] && lines[i + 1] == commands[1] && lines[i + 2] == commands[2]);

        Assert.True(block, $"{readme} does not give, as three lines in a row:{Environment.NewLine}{string.Join(Environment.NewLine, commands)}");
        Assert.Contains("dotnet " + string.Join(' ', ScaffoldedService.FormatCommand), MpgSection);
    }
}
