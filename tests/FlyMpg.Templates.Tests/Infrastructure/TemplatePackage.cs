using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// The templates of this checkout, installed once per test run into an isolated hive
/// (<c>dotnet new install &lt;repo&gt;/templates --debug:custom-hive &lt;run&gt;/hive</c>),
/// and <c>dotnet new</c> against that hive into fresh folders of the <see cref="Sandbox"/>.
/// </summary>
public sealed partial class TemplatePackage
{
    /// <summary>Added as <c>-n</c> when the arguments name no project, so output is deterministic (TemplateVerifier does the same).</summary>
    public const string DefaultProjectName = "Orders";

    private static readonly Lazy<Task<TemplatePackage>> SharedLazy = new(() => InstallAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    private TemplatePackage(string hive, Sandbox sandbox, IReadOnlyList<string> installedFolders)
    {
        Hive = hive;
        Sandbox = sandbox;
        InstalledFolders = installedFolders;
    }

    /// <summary>The custom hive every <c>dotnet new</c> of this run uses.</summary>
    public string Hive { get; }

    public Sandbox Sandbox { get; }

    /// <summary>The template folders installed into <see cref="Hive"/>.</summary>
    public IReadOnlyList<string> InstalledFolders { get; }

    /// <summary>Installs the templates on first use; later calls return the same instance (or rethrow the same install failure).</summary>
    public static Task<TemplatePackage> GetAsync() => SharedLazy.Value;

    /// <summary>
    /// Runs <c>dotnet new &lt;template&gt; &lt;args&gt; [-n Orders] -o &lt;dir&gt; --debug:custom-hive &lt;hive&gt;</c>
    /// into <c>&lt;sandbox&gt;/projects/&lt;template&gt;.&lt;args joined with '#'&gt;</c> (cleared first, kept afterwards).
    /// Throws with full context unless the exit code is 0.
    /// </summary>
    public Task<GeneratedProject> DotNetNewAsync(string template, params string[] args) =>
        DotNetNewIntoAsync(ScenarioDirectoryName(template, args), template, args);

    /// <summary>Like <see cref="DotNetNewAsync"/>, into <c>&lt;sandbox&gt;/projects/&lt;directoryName&gt;</c>, so two tests with the same arguments don't share a folder.</summary>
    public async Task<GeneratedProject> DotNetNewIntoAsync(string directoryName, string template, params string[] args)
    {
        var outputDirectory = Sandbox.CreateProjectDirectory(directoryName);
        var result = await NewCommand(template, outputDirectory, args).RunAsync().ConfigureAwait(false);
        return new GeneratedProject(template, args, outputDirectory, result).EnsureSuccess();
    }

    /// <summary>
    /// The raw <c>dotnet new</c> command (not run), for tests that expect it to fail:
    /// <c>dotnet new &lt;template&gt; &lt;args&gt; [-n Orders] -o &lt;outputDirectory&gt; --debug:custom-hive &lt;hive&gt;</c>, run in the sandbox root.
    /// </summary>
    public ProcessRunner NewCommand(string template, string outputDirectory, params string[] args)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(template);
        if (args.Any(a => a is "-o" or "--output" || a.StartsWith("--output=", StringComparison.Ordinal)))
        {
            throw new ArgumentException("The output folder is chosen by the helper; don't pass -o/--output.", nameof(args));
        }

        var arguments = new List<string> { template };
        arguments.AddRange(args);
        if (!HasName(args))
        {
            arguments.Add("-n");
            arguments.Add(DefaultProjectName);
        }

        arguments.Add("-o");
        arguments.Add(Path.GetFullPath(outputDirectory));
        return DotNet.New(Hive, [.. arguments]).InDirectory(Sandbox.Root);
    }

    /// <summary>TemplateVerifier's scenario naming: the arguments joined with '#', characters invalid in file names (on any OS) removed; <c>_</c> when there are none.</summary>
    public static string ScenarioName(IReadOnlyList<string> args)
    {
        var joined = InvalidFileNameChars().Replace(string.Join('#', args), string.Empty);
        return joined.Length == 0 ? "_" : joined;
    }

    public static string ScenarioDirectoryName(string template, IReadOnlyList<string> args) => $"{template}.{ScenarioName(args)}";

    internal static bool HasName(IEnumerable<string> args) =>
        args.Any(a => a is "-n" or "--name" || a.StartsWith("--name=", StringComparison.Ordinal));

    private static async Task<TemplatePackage> InstallAsync()
    {
        var folders = TestPaths.TemplateFolders();
        if (folders.Count == 0)
        {
            throw new InvalidOperationException(
                $"No template to install: no folder under '{TestPaths.TemplatesRoot}' holds .template.config/template.json.");
        }

        // Generated services reference FlyMpg: its packages must be in the sandbox's feed before any restore.
        await LocalFeed.EnsurePackedAsync().ConfigureAwait(false);
        var hive = TestPaths.RecreateDirectory(Path.Combine(TestPaths.RunRoot, "hive"));
        var sandbox = Sandbox.Shared;

        // templates/ as one source, as the package's content/ folder is one: flympg-add takes files from ../flympg-web/,
        // which the engine refuses (MV012) outside the folder that was installed.
        var result = await DotNet.New(hive, "install", TestPaths.TemplatesRoot)
            .InDirectory(sandbox.Root)
            .RunAsync()
            .ConfigureAwait(false);
        result.EnsureSuccess();

        // `dotnet new install` of a folder exits 0 with only a warning when a template.json is unusable.
        var missing = folders.Select(f => ShortName(f)).Where(name => !result.StdOut.Contains(name, StringComparison.Ordinal)).ToList();
        if (!result.StdOut.Contains("Success:", StringComparison.Ordinal) || result.StdErr.Trim().Length > 0 || missing.Count > 0)
        {
            throw result.Failure($"Installing the templates folder '{TestPaths.TemplatesRoot}' did not report success cleanly (not listed: {string.Join(", ", missing)}).");
        }

        return new TemplatePackage(hive, sandbox, folders);
    }

    private static string ShortName(string templateFolder) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(templateFolder, ".template.config", "template.json")))
            .RootElement.GetProperty("shortName").GetString()!;

    // The union of the Windows and Unix sets, so snapshot names are the same on every OS.
    [GeneratedRegex(@"[<>:""/\\|?*\x00-\x1F]")]
    private static partial Regex InvalidFileNameChars();
}
