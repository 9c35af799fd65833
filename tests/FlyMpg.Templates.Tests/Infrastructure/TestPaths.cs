namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Where the repository is and where this test run may write.</summary>
public static class TestPaths
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);
    private static readonly Lazy<string> RunRootLazy = new(AcquireRunRoot);

    // Held open for the life of the test process: the lock that keeps two concurrent runs apart.
    private static FileStream? _runLock;

    /// <summary>The folder that holds <c>Templates.csproj</c>, found by walking up from the test assembly.</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    public static string TemplatesRoot => Path.Combine(RepoRoot, "templates");

    public static string TestProjectRoot => Path.Combine(RepoRoot, "tests", "FlyMpg.Templates.Tests");

    public static string SnapshotsRoot => Path.Combine(TestProjectRoot, "Snapshots");

    /// <summary>
    /// <c>&lt;temp&gt;/flympg-tests/run-N/</c>: the first slot no other live test process holds.
    /// Cleared when a run takes it, left in place afterwards for debugging.
    /// </summary>
    public static string RunRoot => RunRootLazy.Value;

    /// <summary>The lock file this process holds for <see cref="RunRoot"/>.</summary>
    public static string? RunLockFile => _runLock?.Name;

    /// <summary>Every template folder (one holding <c>.template.config/template.json</c>) under <c>templates/</c>.</summary>
    public static IReadOnlyList<string> TemplateFolders() =>
        Directory.Exists(TemplatesRoot)
            ? Directory.GetDirectories(TemplatesRoot)
                .Where(d => File.Exists(Path.Combine(d, ".template.config", "template.json")))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>Deletes <paramref name="directory"/> if present (read-only files included) and creates it empty.</summary>
    public static string RecreateDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }

            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Templates.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder holding Templates.csproj above the test assembly folder '{AppContext.BaseDirectory}'.");
    }

    private static string AcquireRunRoot()
    {
        var parent = Environment.GetEnvironmentVariable("FLYMPG_TEST_ROOT") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "flympg-tests");
        Directory.CreateDirectory(parent);

        for (var slot = 0; slot < 32; slot++)
        {
            var lockPath = Path.Combine(parent, $"run-{slot}.lock");
            try
            {
                // FileShare.None is an exclusive advisory lock on Unix as well; released when the process dies.
                _runLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // Another test process is using this slot.
            }

            return RecreateDirectory(Path.Combine(parent, $"run-{slot}"));
        }

        throw new InvalidOperationException($"All 32 run slots under '{parent}' are held by other live test processes.");
    }
}
