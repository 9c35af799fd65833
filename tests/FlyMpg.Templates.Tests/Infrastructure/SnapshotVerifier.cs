using System.Text;
using System.Text.Json;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A small TemplateVerifier: instantiates a template into the sandbox and compares the whole output tree
/// (minus <c>bin/</c>, <c>obj/</c>) plus <c>std-streams/stdout.txt</c> and <c>stderr.txt</c> with the committed
/// <c>Snapshots/&lt;test&gt;.&lt;template&gt;.&lt;args joined with '#'&gt;.verified/</c> folder.
/// A mismatch writes the <c>.received</c> twin next to it and fails with a unified diff per file.
/// Accepting is explicit: <c>build/accept-snapshots.sh</c>, or <c>FLYMPG_ACCEPT_SNAPSHOTS=1</c> (refused when <c>CI=true</c>).
/// </summary>
public static class SnapshotVerifier
{
    public const string AcceptVariable = "FLYMPG_ACCEPT_SNAPSHOTS";
    public const string StdOutFile = "std-streams/stdout.txt";
    public const string StdErrFile = "std-streams/stderr.txt";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Runs <c>dotnet new &lt;template&gt; &lt;args&gt;</c> (plus the template's skip-restore flag, and <c>-n Orders</c> when
    /// no name is given; neither is part of the snapshot name) and verifies the output.
    /// Fails on a non-zero exit code, and on any stderr output unless <paramref name="allowStdErr"/>
    /// (then stderr is only compared with the snapshot).
    /// </summary>
    public static async Task VerifyAsync(string testName, string template, string[] args, Scrubbers? scrubbers = null, bool allowStdErr = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(testName);
        var package = await TemplatePackage.GetAsync().ConfigureAwait(false);
        var snapshotName = SnapshotName(testName, template, args);

        string[] newArgs = [.. args, .. SkipRestoreArguments(template).Except(args)];
        var project = await package.DotNetNewIntoAsync(Path.Combine("snapshots", snapshotName), template, newArgs).ConfigureAwait(false);
        if (!allowStdErr && project.Result.StdErr.Trim().Length > 0)
        {
            throw project.Result.Failure("`dotnet new` wrote to stderr (pass allowStdErr: true if that is expected; stderr is then snapshotted).");
        }

        var context = new ScrubContext();
        var rules = new Scrubbers()
            // Paths of this run, deepest first so a path inside another is replaced whole. Not /tmp or $HOME
            // themselves: a Dockerfile may well contain those.
            .AddReplacement(project.Directory, "{OutputPath}")
            .AddReplacement(package.Hive, "{CustomHive}")
            .AddReplacement(package.Sandbox.Root, "{Sandbox}")
            .AddReplacement(TestPaths.RunRoot, "{TestRun}")
            .AddReplacement(TestPaths.RepoRoot, "{Repo}")
            .Add(scrubbers ?? Scrubbers.Default());

        var received = ReadFiles(project.Directory);
        received[StdOutFile] = SnapshotFile.FromText(project.Result.StdOut);
        received[StdErrFile] = SnapshotFile.FromText(project.Result.StdErr);
        received = Scrub(received, rules, context);

        Verify(TestPaths.SnapshotsRoot, snapshotName, received, SnapshotMode.FromEnvironment(), $"dotnet new output: {project.Directory}{Environment.NewLine}{project.Result.CommandLine}");
    }

    /// <summary><c>&lt;test&gt;.&lt;template&gt;.&lt;scenario&gt;</c>, where the scenario is the arguments joined with '#' (or <c>_</c>).</summary>
    public static string SnapshotName(string testName, string template, IReadOnlyList<string> args) =>
        $"{testName}.{template}.{TemplatePackage.ScenarioName(args)}";

    /// <summary>
    /// Compares <paramref name="received"/> with <c>&lt;snapshotsRoot&gt;/&lt;name&gt;.verified/</c>. On a match, removes a stale
    /// <c>.received</c> folder; on a mismatch, accepts (accept mode) or writes <c>.received</c> and throws <see cref="SnapshotMismatchException"/>.
    /// </summary>
    public static void Verify(string snapshotsRoot, string snapshotName, IReadOnlyDictionary<string, SnapshotFile> received, SnapshotMode mode, string? context = null)
    {
        var verifiedDir = Path.Combine(snapshotsRoot, snapshotName + ".verified");
        var receivedDir = Path.Combine(snapshotsRoot, snapshotName + ".received");
        var verified = Directory.Exists(verifiedDir) ? ReadSnapshotFolder(verifiedDir) : null;
        var comparison = SnapshotComparison.Compare(verified ?? new Dictionary<string, SnapshotFile>(), received);

        if (verified is not null && comparison.IsMatch)
        {
            DeleteIfExists(receivedDir);
            return;
        }

        if (mode is { Accept: true, IsCi: false })
        {
            WriteFolder(verifiedDir, received);
            DeleteIfExists(receivedDir);
            return;
        }

        WriteFolder(receivedDir, received);
        var refusal = mode.Accept
            ? $"{AcceptVariable}=1 is ignored because CI=true: snapshots are accepted by a person, locally, after reading the diff.\n"
            : string.Empty;
        throw new SnapshotMismatchException(refusal + comparison.Describe(snapshotName, verifiedDir, receivedDir, verified is null, context));
    }

    /// <summary>Scrubs every text file of <paramref name="tree"/>: the scrubbers first learn values from all of them (random ports), then rewrite each.</summary>
    public static Dictionary<string, SnapshotFile> Scrub(IReadOnlyDictionary<string, SnapshotFile> tree, Scrubbers scrubbers, ScrubContext context)
    {
        scrubbers.Prepare(tree.Where(f => f.Value.IsText).Select(f => (f.Key, f.Value.Text!)), context);
        return tree
            .OrderBy(f => IsStdStream(f.Key)).ThenBy(f => f.Key, StringComparer.Ordinal)
            .ToDictionary(
                f => f.Key,
                f => f.Value.IsText ? SnapshotFile.FromText(scrubbers.Apply(f.Key, f.Value.Text!, context)) : f.Value,
                StringComparer.Ordinal);
    }

    /// <summary>Every file under <paramref name="root"/> (hidden ones too) except <c>bin/</c>, <c>obj/</c> folders, scrubbed.</summary>
    public static Dictionary<string, SnapshotFile> ReadTree(string root, Scrubbers scrubbers, ScrubContext context) =>
        Scrub(ReadFiles(root), scrubbers, context);

    private static bool IsStdStream(string path) => path.StartsWith("std-streams/", StringComparison.Ordinal);

    private static Dictionary<string, SnapshotFile> ReadFiles(string root)
    {
        var files = new Dictionary<string, SnapshotFile>(StringComparer.Ordinal);
        foreach (var path in EnumerateFiles(root))
        {
            var relative = Path.GetRelativePath(root, path).Replace('\\', '/');
            var segments = relative.Split('/');
            if (segments[..^1].Any(s => s is "bin" or "obj"))
            {
                continue;
            }

            files[relative] = SnapshotFile.FromBytes(File.ReadAllBytes(path));
        }

        return files;
    }

    /// <summary>Reads a snapshot folder as committed: text normalized (BOM dropped, CRLF to LF) so a checkout's line endings don't matter.</summary>
    public static Dictionary<string, SnapshotFile> ReadSnapshotFolder(string folder) =>
        EnumerateFiles(folder).ToDictionary(
            path => Path.GetRelativePath(folder, path).Replace('\\', '/'),
            path => SnapshotFile.FromBytes(File.ReadAllBytes(path)),
            StringComparer.Ordinal);

    /// <summary>BOM dropped, CRLF and CR to LF.</summary>
    public static string Normalize(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

    /// <summary>
    /// The template's flag for its restore post-action's <c>skipRestore</c> symbol: the <c>dotnetcli.host.json</c> long name if
    /// it sets one, else the engine's default <c>--skip-restore</c>. None when the template has no such symbol.
    /// </summary>
    public static IReadOnlyList<string> SkipRestoreArguments(string template)
    {
        var folder = TestPaths.TemplateFolders().FirstOrDefault(f => ShortNames(f).Contains(template, StringComparer.OrdinalIgnoreCase));
        if (folder is null)
        {
            return [];
        }

        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, ".template.config", "template.json")), options);
        if (!config.RootElement.TryGetProperty("symbols", out var symbols) || !symbols.TryGetProperty("skipRestore", out _))
        {
            return [];
        }

        var host = Path.Combine(folder, ".template.config", "dotnetcli.host.json");
        if (File.Exists(host))
        {
            using var hostJson = JsonDocument.Parse(File.ReadAllText(host), options);
            if (hostJson.RootElement.TryGetProperty("symbolInfo", out var info)
                && info.TryGetProperty("skipRestore", out var skip)
                && skip.TryGetProperty("longName", out var longName)
                && longName.GetString() is { Length: > 0 } name)
            {
                return ["--" + name.TrimStart('-')];
            }
        }

        return ["--skip-restore"];
    }

    private static IEnumerable<string> ShortNames(string templateFolder)
    {
        var options = new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(templateFolder, ".template.config", "template.json")), options);
        if (!json.RootElement.TryGetProperty("shortName", out var shortName))
        {
            return [];
        }

        return shortName.ValueKind == JsonValueKind.Array
            ? shortName.EnumerateArray().Select(e => e.GetString() ?? string.Empty).ToList()
            : [shortName.GetString() ?? string.Empty];
    }

    private static IEnumerable<string> EnumerateFiles(string root) =>
        Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Order(StringComparer.Ordinal);

    private static void WriteFolder(string folder, IReadOnlyDictionary<string, SnapshotFile> files)
    {
        TestPaths.RecreateDirectory(folder);
        foreach (var (relative, file) in files)
        {
            var path = Path.Combine(folder, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (file.IsText)
            {
                File.WriteAllText(path, file.Text, Utf8NoBom);
            }
            else
            {
                File.WriteAllBytes(path, file.Bytes!);
            }
        }
    }

    private static void DeleteIfExists(string folder)
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
