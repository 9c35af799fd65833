using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public class SandboxTests
{
    [Fact]
    public async Task Build_files_above_the_sandbox_do_not_leak_into_its_projects()
    {
        var parent = TestPaths.RecreateDirectory(Path.Combine(TestPaths.RunRoot, "sandbox-spec"));
        File.WriteAllText(Path.Combine(parent, "Directory.Build.props"), "<Project><PropertyGroup><Leaked>props</Leaked></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(parent, "Directory.Build.targets"), "<Project><PropertyGroup><LeakedTargets>targets</LeakedTargets></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(parent, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>true</ManagePackageVersionsCentrally></PropertyGroup></Project>");
        var sandbox = Sandbox.Create(Path.Combine(parent, "sandbox"));
        var project = sandbox.CreateProjectDirectory("probe");
        File.WriteAllText(Path.Combine(project, "Probe.csproj"), "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup></Project>");

        var result = await sandbox.DotNet(project, "msbuild", "-getProperty:Leaked", "-getProperty:LeakedTargets", "-getProperty:ManagePackageVersionsCentrally")
            .WithTimeout(TimeSpan.FromMinutes(2))
            .RunSuccessfullyAsync();

        Assert.DoesNotContain("props", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("targets", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("\"ManagePackageVersionsCentrally\": \"false\"", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sandbox_restores_from_the_users_sources_only()
    {
        var sandbox = Sandbox.Shared;
        var project = sandbox.CreateProjectDirectory("sources-spec");

        var result = await sandbox.DotNet(project, "nuget", "list", "source", "--format", "short")
            .WithTimeout(TimeSpan.FromMinutes(1))
            .RunSuccessfullyAsync();

        var effective = Sandbox.ParseShortSourceList(result.StdOut).Select(s => s.Value).ToList();
        Assert.NotEmpty(sandbox.PackageSources);
        Assert.Equal(sandbox.PackageSources.Select(s => s.Value), effective);
        Assert.Contains("<clear />", File.ReadAllText(sandbox.NuGetConfigPath), StringComparison.Ordinal);
    }

    [Fact]
    public void User_config_parsing_applies_clear_remove_and_disabled_sources()
    {
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="gone" value="https://example.invalid/gone" />
                <clear />
                <add key="main" value="https://example.invalid/v3/index.json" protocolVersion="3" />
                <add key="local" value="/srv/feed" />
                <add key="removed" value="https://example.invalid/removed" />
                <remove key="removed" />
                <add key="off" value="https://example.invalid/off" />
              </packageSources>
              <disabledPackageSources>
                <add key="off" value="true" />
              </disabledPackageSources>
            </configuration>
            """;

        var sources = Sandbox.ParseNuGetConfig(xml);

        Assert.Equal(
            [new PackageSource("main", "https://example.invalid/v3/index.json", "3"), new PackageSource("local", "/srv/feed", null)],
            sources);
        Assert.Equal(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <!-- Written by the test run from the user's NuGet config; not part of the repository. -->
            <configuration>
              <packageSources>
                <clear />
                <add key="main" value="https://example.invalid/v3/index.json" protocolVersion="3" />
                <add key="local" value="/srv/feed" />
              </packageSources>
            </configuration>

            """.ReplaceLineEndings("\n"),
            Sandbox.RenderNuGetConfig(sources));
    }

    [Fact]
    public void Short_source_listing_keeps_enabled_sources()
    {
        var sources = Sandbox.ParseShortSourceList("E https://example.invalid/a\nD https://example.invalid/b\nEM /srv/feed\n");

        Assert.Equal(["https://example.invalid/a", "/srv/feed"], sources.Select(s => s.Value));
    }

    [Fact]
    public void A_sandbox_inside_the_repository_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Sandbox.Create(Path.Combine(TestPaths.RepoRoot, "tests", "sandbox")));

        Assert.Contains("inherit", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(TestPaths.RepoRoot, "tests", "sandbox")));
    }

    [Fact]
    public void Project_folders_are_cleared_before_use_and_stay_inside_the_sandbox()
    {
        var sandbox = Sandbox.Shared;
        var first = sandbox.CreateProjectDirectory("clear-spec");
        File.WriteAllText(Path.Combine(first, "leftover.txt"), "x");

        var second = sandbox.CreateProjectDirectory("clear-spec");

        Assert.Equal(first, second);
        Assert.Empty(Directory.EnumerateFileSystemEntries(second));
        Assert.Throws<ArgumentException>(() => sandbox.CreateProjectDirectory("../../escape"));
        Assert.Throws<ArgumentException>(() => sandbox.DotNet(TestPaths.RepoRoot, "build"));
    }

    [Fact]
    public void Repo_root_is_the_folder_holding_Templates_csproj()
    {
        Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "Templates.csproj")), TestPaths.RepoRoot);
        Assert.Matches(@"run-\d+$", TestPaths.RunRoot);
        Assert.True(File.Exists(TestPaths.RunLockFile), $"the run slot lock {TestPaths.RunLockFile} is missing");
    }

    [Theory]
    [InlineData(new[] { "-n", "X" }, true)]
    [InlineData(new[] { "--name", "X" }, true)]
    [InlineData(new[] { "--name=X" }, true)]
    [InlineData(new[] { "--app-name", "x" }, false)]
    [InlineData(new string[0], false)]
    public void A_default_name_is_added_only_when_none_is_given(string[] args, bool hasName)
    {
        Assert.Equal(hasName, TemplatePackage.HasName(args));
    }
}
