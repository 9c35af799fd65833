using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Build;

/// <summary>
/// The point of the FlyMpg package: a generated service takes its MPG policy from the library it restores, not
/// from code it copied. The same generated files, restored against a later build of the library whose policy
/// differs in one default, run with the new policy.
/// </summary>
[Collection("mpg")]
public class LibraryUpdateTests
{
    // A later patch of the pack's version: stable (a prerelease never satisfies the csproj's stable lower bound),
    // and four-part, so it never collides with a real release.
    private static string LaterVersion => $"{LocalFeed.Version}.1";

    [Fact]
    public async Task A_service_restored_against_a_later_FlyMpg_runs_with_its_policy_and_no_change_to_its_own_files()
    {
        var package = await TemplatePackage.GetAsync();
        var work = package.Sandbox.CreateProjectDirectory("library-update");
        var service = await package.DotNetNewIntoAsync("library-update/Orders", Scenarios.Template, "--no-restore");
        var filesBefore = Snapshot(service.Directory);

        // A later build of the library whose migrate pool defaults to 3 connections instead of 2.
        var library = Path.Combine(work, "library");
        CopyLibrarySources(library);
        var settingsFile = Path.Combine(library, "src", "FlyMpg", "FlyPostgresSettings.cs");
        const string current = "Migrate { get; set; } = new() { MaxPoolSize = 2,";
        var source = File.ReadAllText(settingsFile);
        Assert.Contains(current, source);
        File.WriteAllText(settingsFile, source.Replace(current, "Migrate { get; set; } = new() { MaxPoolSize = 3,", StringComparison.Ordinal));
        var feed = Path.Combine(work, "feed");
        (await package.Sandbox.DotNet(library, "pack", Path.Combine(library, "src", "FlyMpg", "FlyMpg.csproj"), "-c", "Release", "-o", feed, $"-p:Version={LaterVersion}", "-nologo")
            .WithTimeout(TimeSpan.FromMinutes(5)).RunAsync()).EnsureSuccess();
        // The service's other FlyMpg packages, unchanged: they take the later FlyMpg as their dependency.
        foreach (var unchanged in new[] { "FlyMpg.Telemetry", "FlyMpg.Hangfire" })
        {
            File.Copy(LocalFeed.Package(unchanged), Path.Combine(feed, Path.GetFileName(LocalFeed.Package(unchanged))));
        }

        var before = await DoctorBudgetAsync(package, service.Directory, "current", package.Sandbox.NuGetConfigPath);
        // NuGet takes a package from a packages folder without asking any source when the folder holds the csproj's exact
        // version, as the run's folder does after the first restore: the later restore gets a packages folder of its own
        // (the run's fallback folder, every package but FlyMpg's, still applies, so nothing else is downloaded again).
        var after = await DoctorBudgetAsync(package, service.Directory, "later", WriteConfigWithout(package.Sandbox, feed, Path.Combine(work, "nuget.later.config")),
            $"--packages={Path.Combine(work, "packages")}");

        Assert.Contains("database connections: migrate 2 = 2 of 40", before);
        Assert.Contains("database connections: migrate 3 = 3 of 40", after);
        Assert.Equal(filesBefore, Snapshot(service.Directory));
    }

    // Restores and builds the service with the given NuGet config, then runs doctor against servers nobody listens
    // on: the budget lines need only the parsed URLs and the library's defaults.
    private static async Task<string> DoctorBudgetAsync(TemplatePackage package, string project, string name, string configFile, params string[] restoreOptions)
    {
        var output = Path.Combine(project, "..", $"bin-{name}");
        var obj = Path.Combine(project, "..", $"obj-{name}");
        (await package.Sandbox.DotNet(project, ["restore", "--configfile", configFile, "-p:WarningsNotAsErrors=NU1603", $"-p:BaseIntermediateOutputPath={obj}/", .. restoreOptions])
            .WithTimeout(TimeSpan.FromMinutes(10)).RunAsync()).EnsureSuccess();
        (await package.Sandbox.DotNet(project, "build", "--no-restore", "-c", "Release", "-o", output, "-nologo", "-p:WarningsNotAsErrors=NU1603", $"-p:BaseIntermediateOutputPath={obj}/")
            .WithTimeout(TimeSpan.FromMinutes(10)).RunAsync()).EnsureSuccess();
        var doctor = await DotNet.Command(Path.Combine(output, "Orders.dll"), "doctor")
            .InDirectory(output)
            .WithEnvironment("DATABASE_URL", "postgresql://app:pw@127.0.0.1:1/app")
            .WithEnvironment("DIRECT_DATABASE_URL", "postgresql://app:pw@127.0.0.1:2/app")
            .WithTimeout(TimeSpan.FromMinutes(2))
            .RunAsync();
        return doctor.StdOut;
    }

    // The sandbox's sources with the later build's feed in place of this run's feed, which holds the current FlyMpg.
    private static string WriteConfigWithout(Sandbox sandbox, string laterFeed, string path)
    {
        var sources = sandbox.PackageSources.Where(s => s.Value != Path.GetFullPath(LocalFeed.Directory)).Prepend(new PackageSource("flympg-later", laterFeed, null));
        File.WriteAllText(path, Sandbox.RenderNuGetConfig(sources, LocalFeed.PackagesFolder, LocalFeed.FallbackFolder));
        return path;
    }

    private static void CopyLibrarySources(string destination)
    {
        // Directory.Build.props packs the root LICENSE into every package.
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props", "LICENSE" })
        {
            Directory.CreateDirectory(destination);
            File.Copy(Path.Combine(TestPaths.RepoRoot, file), Path.Combine(destination, file));
        }

        // The analyzers embed the conventions FLYMPG040-044 check from these template files.
        foreach (var file in new[] { "fly.toml", "Dockerfile", ".dockerignore", "local/pgbouncer-mpg.ini" })
        {
            var target = Path.Combine(destination, "templates", "flympg-web", file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(TestPaths.TemplatesRoot, "flympg-web", file), target);
        }

        // FlyMpg and the analyzers it packs.
        foreach (var project in new[] { "FlyMpg", "FlyMpg.Analyzers", "FlyMpg.Analyzers.CodeFixes" })
        {
            var source = Path.Combine(TestPaths.RepoRoot, "src", project);
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                var target = Path.Combine(destination, "src", project, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
        }
    }

    private static Dictionary<string, string> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f), File.ReadAllText);
}
