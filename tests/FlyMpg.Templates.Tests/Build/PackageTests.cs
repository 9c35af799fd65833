using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
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
            // flympg-add takes fly.toml, the Dockerfile and local/ from ../flympg-web/ inside the package: only its own files are its.
            Assert.Contains("content/templates/flympg-add/.template.config/template.json", entries);
            Assert.Contains("content/templates/flympg-add/MPG.md", entries);
            Assert.Contains("README.md", entries);
            Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
        }

        var hive = Path.Combine(work, "hive");
        var install = (await DotNet.New(hive, "install", nupkg).InDirectory(work).RunAsync()).EnsureSuccess();
        Assert.True(install.StdOut.Contains("flympg-add", StringComparison.Ordinal), $"the package did not install flympg-add (MV012: a source outside the package?){System.Environment.NewLine}{install}");
        var fromPackage = Path.Combine(work, "Orders");
        (await DotNet.New(hive, Scenarios.Template, "-n", "Orders", "-o", fromPackage, "--no-restore").InDirectory(work).RunAsync()).EnsureSuccess();
        var fromCheckout = await GeneratedApp.GetAsync();

        Assert.Equal(RelativeFiles(fromCheckout.Project.Directory), RelativeFiles(fromPackage));
    }

    [Theory]
    [InlineData("FlyMpg")]
    [InlineData("FlyMpg.Hangfire")]
    [InlineData("FlyMpg.Telemetry")]
    [InlineData("FlyMpg.Templates")]
    public async Task Each_package_has_what_a_package_page_needs(string packageId)
    {
        await LocalFeed.EnsurePackedAsync();
        using var zip = ZipFile.OpenRead(LocalFeed.Package(packageId));
        var metadata = Nuspec(zip).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

        Assert.Equal("MIT", Field("license"));
        Assert.Equal("expression", (string?)Element("license")?.Attribute("type"));
        Assert.Equal("https://github.com/flympg/flympg", Field("projectUrl"));
        Assert.Equal("https://github.com/flympg/flympg", (string?)Element("repository")?.Attribute("url"));
        Assert.Equal("git", (string?)Element("repository")?.Attribute("type"));
        Assert.Equal("README.md", Field("readme"));
        Assert.Equal(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "LICENSE")), Read(zip, "LICENSE"));
        Assert.Contains("MIT License", Read(zip, "LICENSE"));
    }

    [Fact]
    public async Task The_template_package_readme_is_its_own_with_only_absolute_links()
    {
        await LocalFeed.EnsurePackedAsync();
        using var zip = ZipFile.OpenRead(LocalFeed.Package("FlyMpg.Templates"));

        var readme = Read(zip, "README.md");

        Assert.NotEqual(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md")), readme);
        Assert.Contains("dotnet new install FlyMpg.Templates", readme);
        Assert.Contains("dotnet new uninstall FlyMpg.Templates", readme);
        Assert.DoesNotContain("build/", readme);
        var relativeLinks = Regex.Matches(readme, @"\]\((?<target>[^)]+)\)").Select(m => m.Groups["target"].Value).Where(t => !t.StartsWith("https://", StringComparison.Ordinal)).ToList();
        Assert.True(relativeLinks.Count == 0, $"links that break on a package page: {string.Join(", ", relativeLinks)}");
    }

    private static XDocument Nuspec(ZipArchive zip)
    {
        using var stream = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/')).Open();
        return XDocument.Load(stream);
    }

    private static string Read(ZipArchive zip, string entryName)
    {
        var entry = zip.GetEntry(entryName);
        Assert.True(entry is not null, $"the package has no {entryName}; it has: {string.Join(", ", zip.Entries.Select(e => e.FullName).Where(n => !n.Contains('/')))}");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    private static List<string> RelativeFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();
}
