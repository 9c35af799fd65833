using System.Collections.Concurrent;
using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Generation;

/// <summary>Each scenario generated once per test run (no restore) and shared by the checks that only read the files.</summary>
internal static class GeneratedOutput
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<GeneratedProject>>> Generated = new();

    public static Task<GeneratedProject> GetAsync(string[] args) =>
        Generated.GetOrAdd(TemplatePackage.ScenarioName(args), name => new Lazy<Task<GeneratedProject>>(async () =>
            await (await TemplatePackage.GetAsync()).DotNetNewIntoAsync($"output/{name}", Scenarios.Template, [.. args, "--no-restore"]))).Value;
}
