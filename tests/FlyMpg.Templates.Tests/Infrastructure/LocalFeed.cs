namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// <c>&lt;run root&gt;/feed</c>: this checkout's packages (FlyMpg, FlyMpg.Hangfire, FlyMpg.Telemetry, FlyMpg.Templates), packed once per
/// test run by <c>build/pack.sh</c>, the script build/demo.sh and build/bench.sh use too. The sandbox's nuget.config
/// lists it first, so generated services restore the library of this checkout as users restore the published one.
/// </summary>
public static class LocalFeed
{
    private static readonly Lazy<Task> Packed = new(PackAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Directory => Path.Combine(TestPaths.RunRoot, "feed");

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
            .WithArguments(Path.Combine(TestPaths.RepoRoot, "build", "pack.sh"), Directory)
            .InDirectory(TestPaths.RepoRoot)
            .WithTimeout(TimeSpan.FromMinutes(5))
            .RunAsync();
        result.EnsureSuccess();
    }
}
