using System.IO.Compression;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Build;

/// <summary>`dotnet pack` makes the template package a team installs once; it generates what the checkout generates.</summary>
[Collection("mpg")]
public class PackageTests
{
    [Fact]
    public async Task The_package_holds_the_template_and_installs_into_a_fresh_hive()
    {
        var package = await TemplatePackage.GetAsync();
        var work = package.Sandbox.CreateProjectDirectory("pack");
        (await DotNet.Command("pack", Path.Combine(TestPaths.RepoRoot, "Templates.csproj"), "-o", work, "-nologo")
            .InDirectory(work).WithTimeout(TimeSpan.FromMinutes(5)).RunAsync()).EnsureSuccess();
        var nupkg = Directory.GetFiles(work, "FlyMpg.Templates.*.nupkg").Single();

        using (var zip = ZipFile.OpenRead(nupkg))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("content/templates/flympg-web/.template.config/template.json", entries);
            Assert.Contains("content/templates/flympg-web/.dockerignore", entries);
            Assert.Contains("content/templates/flympg-web/.config/dotnet-tools.json", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
        }

        var hive = Path.Combine(work, "hive");
        (await DotNet.New(hive, "install", nupkg).InDirectory(work).RunAsync()).EnsureSuccess();
        var fromPackage = Path.Combine(work, "Orders");
        (await DotNet.New(hive, Scenarios.Template, "-n", "Orders", "-o", fromPackage, "--no-restore").InDirectory(work).RunAsync()).EnsureSuccess();
        var fromCheckout = await GeneratedApp.GetAsync();

        Assert.Equal(RelativeFiles(fromCheckout.Project.Directory), RelativeFiles(fromPackage));
    }

    private static List<string> RelativeFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
}
