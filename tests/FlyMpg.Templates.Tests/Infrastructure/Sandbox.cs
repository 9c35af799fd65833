using System.Security;
using System.Text;
using System.Xml.Linq;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A folder outside the repository where generated projects are created, restored and built.
/// Its own <c>Directory.Build.props</c>, <c>Directory.Build.targets</c>, <c>Directory.Packages.props</c>
/// (central package management off), <c>.editorconfig</c> and <c>nuget.config</c> stop MSBuild,
/// analyzers and NuGet from picking up anything above it. The <c>nuget.config</c> is written at run time:
/// it clears the sources and re-adds the ones in the user's NuGet config, after the run's <see cref="LocalFeed"/>. With that
/// feed, its packages folders are the run's own (<see cref="LocalFeed.PackagesFolder"/>, <see cref="LocalFeed.FallbackFolder"/>):
/// this checkout's FlyMpg is extracted there, never into the machine's global packages folder, which other checkouts share.
/// </summary>
public sealed class Sandbox
{
    private static readonly Lazy<Sandbox> SharedLazy = new(() => Create(Path.Combine(TestPaths.RunRoot, "sandbox"), LocalFeed.Directory));

    private Sandbox(string root, IReadOnlyList<PackageSource> packageSources)
    {
        Root = root;
        PackageSources = packageSources;
    }

    /// <summary><c>&lt;run root&gt;/sandbox</c>, created once per test run.</summary>
    public static Sandbox Shared => SharedLazy.Value;

    public string Root { get; }

    public string NuGetConfigPath => Path.Combine(Root, "nuget.config");

    /// <summary>The enabled sources copied from the user's NuGet config.</summary>
    public IReadOnlyList<PackageSource> PackageSources { get; }

    /// <summary>Creates (or clears and recreates) a sandbox at <paramref name="root"/>; <paramref name="localFeed"/>, if given, is its first package source.</summary>
    public static Sandbox Create(string root, string? localFeed = null)
    {
        root = Path.GetFullPath(root);
        if (IsInside(root, TestPaths.RepoRoot))
        {
            throw new InvalidOperationException($"A sandbox inside the repository ('{root}') would inherit its build files.");
        }

        TestPaths.RecreateDirectory(root);
        IReadOnlyList<PackageSource> sources = localFeed is null
            ? ReadUserPackageSources(root)
            : [new PackageSource("flympg-local", Path.GetFullPath(localFeed), null), .. ReadUserPackageSources(root)];

        Write(root, "Directory.Build.props", """
            <Project>
              <!-- Sandbox barrier: nothing above this folder is imported into generated projects. -->
            </Project>
            """);
        Write(root, "Directory.Build.targets", """
            <Project>
              <!-- Sandbox barrier: nothing above this folder is imported into generated projects. -->
            </Project>
            """);
        Write(root, "Directory.Packages.props", """
            <Project>
              <!-- Sandbox barrier: a generated project without its own Directory.Packages.props builds without central package management. -->
              <PropertyGroup>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
            </Project>
            """);
        Write(root, ".editorconfig", """
            # Sandbox barrier: analyzer settings above this folder don't apply.
            root = true
            """);
        Write(root, "nuget.config", localFeed is null ? RenderNuGetConfig(sources) : RenderNuGetConfig(sources, LocalFeed.PackagesFolder, LocalFeed.FallbackFolder));
        Directory.CreateDirectory(Path.Combine(root, "projects"));
        return new Sandbox(root, sources);
    }

    /// <summary>
    /// <c>&lt;sandbox&gt;/projects/&lt;name&gt;</c>, emptied now (not after the test, so the last output stays for debugging).
    /// <paramref name="name"/> may contain '/' to group projects.
    /// </summary>
    public string CreateProjectDirectory(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var directory = Path.GetFullPath(Path.Combine(Root, "projects", name));
        if (!IsInside(directory, Path.Combine(Root, "projects")))
        {
            throw new ArgumentException($"'{name}' leaves the sandbox.", nameof(name));
        }

        return TestPaths.RecreateDirectory(directory);
    }

    /// <summary>A <c>dotnet</c> command (build, run, test, ...) in a folder of this sandbox.</summary>
    public ProcessRunner DotNet(string workingDirectory, params string[] arguments)
    {
        var directory = Path.GetFullPath(workingDirectory);
        if (!IsInside(directory, Root))
        {
            throw new ArgumentException($"'{directory}' is not inside the sandbox '{Root}'.", nameof(workingDirectory));
        }

        return Infrastructure.DotNet.InRunPackagesFolder(Infrastructure.DotNet.Command(arguments)).InDirectory(directory);
    }

    /// <summary>Enabled sources from the user-level NuGet config, with their keys (so credentials keyed by name still apply).</summary>
    internal static IReadOnlyList<PackageSource> ReadUserPackageSources(string workingDirectory)
    {
        var userConfig = UserNuGetConfigPath();
        var sources = userConfig is not null ? ParseNuGetConfig(File.ReadAllText(userConfig)) : [];
        if (sources.Count > 0)
        {
            return sources;
        }

        // No user config file (or it lists nothing): ask the CLI what this machine uses.
        var result = Infrastructure.DotNet.Command("nuget", "list", "source", "--format", "short")
            .InDirectory(workingDirectory)
            .WithTimeout(TimeSpan.FromMinutes(1))
            .Run()
            .EnsureSuccess();
        sources = ParseShortSourceList(result.StdOut);
        return sources.Count > 0
            ? sources
            : throw result.Failure(
                $"No enabled package source in the user NuGet config ({userConfig ?? "none found"}) nor in `dotnet nuget list source`; the sandbox could not restore anything.");
    }

    /// <summary>Applies <c>clear</c>/<c>add</c>/<c>remove</c> in order and drops sources listed as disabled.</summary>
    internal static IReadOnlyList<PackageSource> ParseNuGetConfig(string xml)
    {
        var document = XDocument.Parse(xml);
        var sources = new List<PackageSource>();
        foreach (var element in document.Root?.Element("packageSources")?.Elements() ?? [])
        {
            var key = (string?)element.Attribute("key");
            switch (element.Name.LocalName)
            {
                case "clear":
                    sources.Clear();
                    break;
                case "add" when key is not null && (string?)element.Attribute("value") is { Length: > 0 } value:
                    sources.RemoveAll(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
                    sources.Add(new PackageSource(key, value, (string?)element.Attribute("protocolVersion")));
                    break;
                case "remove" when key is not null:
                    sources.RemoveAll(s => string.Equals(s.Key, key, StringComparison.OrdinalIgnoreCase));
                    break;
            }
        }

        var disabled = (document.Root?.Element("disabledPackageSources")?.Elements("add") ?? [])
            .Where(e => string.Equals((string?)e.Attribute("value"), "true", StringComparison.OrdinalIgnoreCase))
            .Select(e => (string?)e.Attribute("key"))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        return sources.Where(s => !disabled.Contains(s.Key)).ToList();
    }

    /// <summary>Parses <c>dotnet nuget list source --format short</c>: one <c>E|D[flags] &lt;source&gt;</c> per line.</summary>
    internal static IReadOnlyList<PackageSource> ParseShortSourceList(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Where(parts => parts.Length == 2 && parts[0].StartsWith('E'))
            .Select((parts, index) => new PackageSource($"source-{index + 1}", parts[1], null))
            .ToList();

    /// <summary>
    /// A nuget.config with these sources only and, when given, the packages folders restores use: the global one (where
    /// packages are extracted) and a read-only fallback one. They are written here rather than inherited, so that a restore
    /// given this file with <c>--configfile</c> (which reads no other) keeps them too.
    /// </summary>
    internal static string RenderNuGetConfig(IEnumerable<PackageSource> sources, string? globalPackagesFolder = null, string? fallbackPackagesFolder = null)
    {
        var sb = new StringBuilder();
        sb.Append("""
            <?xml version="1.0" encoding="utf-8"?>
            <!-- Written by the test run from the user's NuGet config; not part of the repository. -->
            <configuration>
              <packageSources>
                <clear />

            """);
        foreach (var source in sources)
        {
            sb.Append("    <add key=\"").Append(SecurityElement.Escape(source.Key))
                .Append("\" value=\"").Append(SecurityElement.Escape(source.Value)).Append('"');
            if (source.ProtocolVersion is { Length: > 0 } protocol)
            {
                sb.Append(" protocolVersion=\"").Append(SecurityElement.Escape(protocol)).Append('"');
            }

            sb.Append(" />\n");
        }

        sb.Append("  </packageSources>\n");
        if (globalPackagesFolder is not null)
        {
            sb.Append("  <config>\n    <add key=\"globalPackagesFolder\" value=\"").Append(SecurityElement.Escape(globalPackagesFolder)).Append("\" />\n  </config>\n");
        }

        if (fallbackPackagesFolder is not null)
        {
            sb.Append("  <fallbackPackageFolders>\n    <clear />\n    <add key=\"machine-without-flympg\" value=\"").Append(SecurityElement.Escape(fallbackPackagesFolder)).Append("\" />\n  </fallbackPackageFolders>\n");
        }

        sb.Append("</configuration>\n");
        return sb.ToString();
    }

    private static string? UserNuGetConfigPath()
    {
        var directory = OperatingSystem.IsWindows()
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "NuGet")
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "NuGet");
        return new[] { "NuGet.Config", "nuget.config", "NuGet.config" }
            .Select(name => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }

    private static void Write(string root, string name, string content) =>
        File.WriteAllText(Path.Combine(root, name), content.ReplaceLineEndings("\n").TrimEnd('\n') + "\n", new UTF8Encoding(false));

    private static bool IsInside(string path, string folder)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path));
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }
}
