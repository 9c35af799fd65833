using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Build;

/// <summary>
/// Every option combination restores and builds with warnings as errors, in a sandbox with its own
/// Directory.Build.props, Directory.Packages.props and nuget.config, so nothing of this repo leaks in.
/// </summary>
[Collection("mpg")]
public class GeneratedProjectBuildTests
{
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public async Task Every_scenario_builds_with_warnings_as_errors(string[] args)
    {
        var app = await GeneratedApp.GetAsync(args);

        Assert.True(File.Exists(app.AssemblyPath), $"No {app.AssemblyPath} after the build.{Environment.NewLine}{app.Build.Describe()}");
        Assert.Matches(@"\b0 Warning\(s\)", app.Build.StdOut);
    }

    [Fact]
    public async Task The_checked_in_migration_matches_the_model_and_new_ones_can_be_added_without_any_environment()
    {
        var package = await TemplatePackage.GetAsync();
        var project = await package.DotNetNewIntoAsync("ef-tools", Scenarios.Template, "--no-restore");
        ProcessRunner Ef(params string[] args) => package.Sandbox.DotNet(project.Directory, args)
            .WithoutEnvironment("DATABASE_URL")
            .WithoutEnvironment("DIRECT_DATABASE_URL")
            .WithTimeout(TimeSpan.FromMinutes(10));

        (await Ef("tool", "restore").RunAsync()).EnsureSuccess();
        (await Ef("restore").RunAsync()).EnsureSuccess(); // generated with --no-restore; dotnet ef reads the assets file
        var pending = (await Ef("ef", "migrations", "has-pending-model-changes").RunAsync()).EnsureSuccess();
        var added = (await Ef("ef", "migrations", "add", "Probe", "--no-build").RunAsync()).EnsureSuccess();

        Assert.Contains("No changes have been made to the model since the last migration.", pending.StdOut);
        Assert.Contains(Directory.GetFiles(Path.Combine(project.Directory, "Database", "Migrations")), f => f.EndsWith("_Probe.cs", StringComparison.Ordinal));
        Assert.DoesNotContain("error", added.StdErr, StringComparison.OrdinalIgnoreCase);
    }
}
