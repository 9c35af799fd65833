namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// <c>&lt;run root&gt;/feed</c>: this checkout's packages (FlyMpg, FlyMpg.Hangfire, FlyMpg.Telemetry, FlyMpg.Templates), packed once per
/// test run by <c>build/pack.sh</c>, the script build/demo.sh and build/bench.sh use too. The sandbox's nuget.config
/// lists it first, so generated services restore the library of this checkout as users restore the published one.
/// pack.sh also writes <c>&lt;run root&gt;/nuget.config</c>: every restore of the run extracts packages into
/// <see cref="PackagesFolder"/>, with the machine's packages but FlyMpg's as a read-only fallback (<see cref="FallbackFolder"/>),
/// so no other checkout's FlyMpg 0.2.0 is taken and nothing shared is deleted (<see cref="DotNet.InRunPackagesFolder"/>).
/// </summary>
public static class LocalFeed
{
    private static readonly Lazy<Task> Packed = new(PackAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => Path.Combine(TestPaths.RunRoot, "feed");

    /// <summary>The run's global packages folder (build/pack.sh's <c>globalPackagesFolder</c>): this checkout's FlyMpg packages are extracted here.</summary>
    public static string PackagesFolder => Path.Combine(TestPaths.RunRoot, ".nuget", "packages");

    /// <summary>Links to every package of the machine's global packages folder but FlyMpg's (build/pack.sh's <c>fallbackPackageFolders</c>).</summary>
    public static string FallbackFolder => Path.Combine(TestPaths.RunRoot, ".nuget", "fallback");

    /// <summary>Packs on first use; later calls wait for the same pack (or rethrow its failure).</summary>
    public static Task EnsurePackedAsync() => Packed.Value;

    /// <summary>The package file of <paramref name="packageId"/> in the feed, e.g. <c>FlyMpg.0.2.0.nupkg</c>.</summary>
    public static string Package(string packageId) =>
        System.IO.Directory.GetFiles(Directory, $"{packageId}.*.nupkg")
            .Single(f => char.IsDigit(Path.GetFileName(f)[(packageId.Length + 1)..][0]));

    /// <summary>The version of this checkout's packages (one <c>Version</c> for the repo), read from the packed FlyMpg.</summary>
    public static string Version => Path.GetFileNameWithoutExtension(Package("FlyMpg"))["FlyMpg.".Length..];

    private static async Task PackAsync()
    {
        var result = await new ProcessRunner("bash")
            .WithArguments(Path.Combine(TestPaths.RepoRoot, "build", "pack.sh"), Directory, TestPaths.RunRoot)
            .InDirectory(TestPaths.RepoRoot)
            .WithTimeout(TimeSpan.FromMinutes(5))
            .RunAsync();
        result.EnsureSuccess();
    }
}
