using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Build;

/// <summary>
/// The install, reinstall, upgrade and uninstall commands README.md gives, each in a fresh template hive:
/// by package id from a folder feed (what upgrades cleanly), and what happens with a .nupkg path instead.
/// </summary>
[Collection("mpg")]
public class TemplateInstallTests
{
    private const string PackageId = "FlyMpg.Templates";

    // A later patch of the pack's version, four-part so it never collides with a real release.
    private static readonly Lazy<Task<string>> HigherVersionFeed = new(PackHigherVersionAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    private static string HigherVersion => $"{LocalFeed.Version}.1";

    [Fact]
    public async Task Installing_by_id_from_a_folder_feed_then_again_with_force_keeps_one_entry()
    {
        var (work, hive) = await FreshHiveAsync("install-by-id");
        var feed = FeedWithTheCurrentPackage(work);

        (await New(hive, work, "install", $"{PackageId}@{LocalFeed.Version}", "--add-source", feed)).EnsureSuccess();
        var again = await New(hive, work, "install", $"{PackageId}@{LocalFeed.Version}", "--add-source", feed);
        var forced = await New(hive, work, "install", $"{PackageId}@{LocalFeed.Version}", "--add-source", feed, "--force");

        Assert.Equal(106, again.ExitCode);
        Assert.Contains("--force", again.StdOut + again.StdErr);
        forced.EnsureSuccess();
        Assert.Equal([LocalFeed.Version], await InstalledVersionsAsync(hive, work));
        await AssertTheTemplateGeneratesAsync(hive, work);
    }

    [Fact]
    public async Task Installing_a_higher_version_by_id_replaces_the_lower_one()
    {
        var (work, hive) = await FreshHiveAsync("upgrade-by-id");
        var feed = FeedWithTheCurrentPackage(work);
        var higherFeed = await HigherVersionFeed.Value;
        (await New(hive, work, "install", $"{PackageId}@{LocalFeed.Version}", "--add-source", feed)).EnsureSuccess();

        var upgrade = await New(hive, work, "install", $"{PackageId}@{HigherVersion}", "--add-source", higherFeed);

        upgrade.EnsureSuccess();
        Assert.Equal([HigherVersion], await InstalledVersionsAsync(hive, work));
        await AssertTheTemplateGeneratesAsync(hive, work);
    }

    [Fact]
    public async Task A_nupkg_path_installs_once_and_uninstall_then_install_replaces_it_with_a_higher_version()
    {
        var (work, hive) = await FreshHiveAsync("install-by-path");
        var nupkg = LocalFeed.Package(PackageId);
        var higher = Path.Combine(await HigherVersionFeed.Value, $"{PackageId}.{HigherVersion}.nupkg");
        (await New(hive, work, "install", nupkg)).EnsureSuccess();

        var again = await New(hive, work, "install", nupkg);
        (await New(hive, work, "uninstall", PackageId)).EnsureSuccess();
        (await New(hive, work, "install", higher)).EnsureSuccess();

        Assert.Equal(106, again.ExitCode);
        Assert.Contains("already exists", again.StdOut + again.StdErr);
        Assert.Equal([HigherVersion], await InstalledVersionsAsync(hive, work));
        await AssertTheTemplateGeneratesAsync(hive, work);
    }

    [Fact]
    public async Task Uninstall_by_id_removes_every_entry_even_the_duplicates_a_forced_path_install_leaves()
    {
        var (work, hive) = await FreshHiveAsync("uninstall");
        var nupkg = LocalFeed.Package(PackageId);
        (await New(hive, work, "install", nupkg)).EnsureSuccess();
        (await New(hive, work, "install", nupkg, "--force")).EnsureSuccess();
        Assert.Equal([LocalFeed.Version, LocalFeed.Version], await InstalledVersionsAsync(hive, work));

        (await New(hive, work, "uninstall", PackageId)).EnsureSuccess();

        Assert.Empty(await InstalledVersionsAsync(hive, work));
        var generate = await New(hive, work, Scenarios.Template, "-n", "Orders", "-o", Path.Combine(work, "Orders"), "--no-restore");
        Assert.Equal(103, generate.ExitCode); // the template was not found
    }

    [Fact]
    public void The_readme_gives_the_commands_these_tests_run()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));

        Assert.Contains($"dotnet new install {PackageId}@", readme);
        Assert.Contains("--add-source \"$HOME/flympg/packages\" --force", readme);
        Assert.Contains($"dotnet new uninstall {PackageId}", readme);
        Assert.DoesNotContain("dotnet new install artifacts/", readme);
    }

    private static async Task<(string Work, string Hive)> FreshHiveAsync(string name)
    {
        var package = await TemplatePackage.GetAsync(); // packs the local feed
        var work = package.Sandbox.CreateProjectDirectory($"template-install/{name}");
        return (work, Path.Combine(work, "hive"));
    }

    // A feed holding only the template package, so an install by id cannot pick anything else.
    private static string FeedWithTheCurrentPackage(string work)
    {
        var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
        var nupkg = LocalFeed.Package(PackageId);
        File.Copy(nupkg, Path.Combine(feed, Path.GetFileName(nupkg)));
        return feed;
    }

    private static Task<ProcessResult> New(string hive, string work, params string[] arguments) =>
        DotNet.New(hive, arguments).InDirectory(work).RunAsync();

    // `dotnet new uninstall` without arguments lists each installed package with a "Version:" line.
    private static async Task<List<string>> InstalledVersionsAsync(string hive, string work)
    {
        var list = (await New(hive, work, "uninstall")).EnsureSuccess().StdOut;
        return list.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.StartsWith("Version:", StringComparison.Ordinal))
            .Select(line => line["Version:".Length..].Trim())
            .ToList();
    }

    private static async Task AssertTheTemplateGeneratesAsync(string hive, string work)
    {
        var output = Path.Combine(work, "Orders");
        (await New(hive, work, Scenarios.Template, "-n", "Orders", "-o", output, "--no-restore")).EnsureSuccess();
        Assert.True(File.Exists(Path.Combine(output, "Orders.csproj")), $"no Orders.csproj in {output}");
    }

    // Packs Templates.csproj at the higher version into a feed of its own, with intermediate files outside the
    // repository so a build running beside the tests is not disturbed.
    private static async Task<string> PackHigherVersionAsync()
    {
        var work = Sandbox.Shared.CreateProjectDirectory("template-install/higher-version");
        var feed = Path.Combine(work, "feed");
        (await DotNet.Command("pack", Path.Combine(TestPaths.RepoRoot, "Templates.csproj"), "-o", feed, $"-p:Version={HigherVersion}",
                $"-p:BaseIntermediateOutputPath={Path.Combine(work, "obj")}/", "-nologo")
            .InDirectory(work).WithTimeout(TimeSpan.FromMinutes(5)).RunAsync()).EnsureSuccess();
        return feed;
    }
}
