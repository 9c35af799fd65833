using static FlyMpg.Analyzers.Tests.Infrastructure.ConventionFiles;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG042: every pattern of the pack's .dockerignore is in the service's.</summary>
public sealed class DockerIgnoreDriftTests
{
    [Fact]
    public Task The_packs_own_dockerignore_and_one_with_more_lines_are_not_reported() => VerifyAsync(
        (".dockerignore", DockerIgnore + "docs/\n*.md\n"));

    [Fact]
    public Task A_missing_pattern_is_reported_at_the_last_line() => VerifyAsync(
        (".dockerignore", DockerIgnore.Edit("**/.env\n", string.Empty).Mark("compose.yaml\n", "FLYMPG042")));

    [Fact]
    public Task A_pattern_written_without_its_trailing_slash_is_the_same_pattern() => VerifyAsync(
        (".dockerignore", DockerIgnore.Edit("**/bin/\n", "**/bin\n").Edit("local/\n", "./local\n")));

    [Fact]
    public Task Lines_the_template_lists_only_for_a_smaller_context_are_not_conventions() => VerifyAsync(
        (".dockerignore", DockerIgnore.Edit("README.md\n", string.Empty).Edit("Dockerfile\n", string.Empty)));

    [Fact]
    public Task Each_missing_pattern_is_reported_and_a_keep_marker_keeps_the_one_it_names() => VerifyAsync(
        (".dockerignore", "# flympg:keep .git/ the image reports its commit\n" + string.Concat(Enumerable.Repeat("{|FLYMPG042:", 7)) + "**/bin/" + string.Concat(Enumerable.Repeat("|}", 7)) + "\n"));
}
