using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Scaffolder;

/// <summary>
/// What the scaffolder wrote into one existing service (the files it added and the ones it changed, after both README
/// commands), compared with <c>Snapshots/Scaffolded.flympg-add.&lt;shape&gt;.verified/</c> like the template's own snapshots;
/// accept a reviewed change with <c>build/accept-snapshots.sh</c>. Here, not in the snapshots layer: it needs the service
/// built and the format command run (ScaffolderTests share that work).
/// </summary>
[Collection("mpg")]
public sealed class ScaffolderSnapshotTests
{
    [Theory]
    [InlineData("MinimalApi")]
    [InlineData("HangfireTwoContexts")]
    [InlineData("ClassicWebHost")]
    [InlineData("AspireServiceDefaults")]
    [InlineData("OnConfiguringDapper")]
    [InlineData("PinnedFloors")]
    public async Task Scaffolded(string shapeName)
    {
        var service = await ScaffoldedService.GetAsync(CorpusShape.Named(shapeName));
        var written = service.Before.AddedIn(service.After).Concat(service.Before.ChangedIn(service.After)).ToHashSet(StringComparer.Ordinal);
        var package = await TemplatePackage.GetAsync();
        var rules = new Scrubbers()
            .AddReplacement(service.Directory, "{OutputPath}")
            .AddReplacement(package.Sandbox.Root, "{Sandbox}")
            .Add(Scrubbers.Default());

        var received = SnapshotVerifier.ReadTree(service.Directory, rules, new ScrubContext())
            .Where(file => written.Contains(file.Key))
            .ToDictionary(file => file.Key, file => file.Value, StringComparer.Ordinal);

        SnapshotVerifier.Verify(TestPaths.SnapshotsRoot, $"{nameof(Scaffolded)}.flympg-add.{shapeName}", received, SnapshotMode.FromEnvironment(), $"scaffolded service: {service.Directory}");
    }
}
