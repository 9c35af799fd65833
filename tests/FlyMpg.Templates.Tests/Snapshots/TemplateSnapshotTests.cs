using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Snapshots;

/// <summary>
/// The whole generated tree per option set, compared with <c>Snapshots/&lt;test&gt;.flympg-web.&lt;args&gt;.verified/</c>.
/// A mismatch writes the <c>.received</c> twin and prints a diff; accept with <c>build/accept-snapshots.sh</c>.
/// The rows are <see cref="Scenarios.All"/>, as in every layer; rows without <c>-n</c> are generated as <c>-n Orders</c>.
/// </summary>
public class TemplateSnapshotTests
{
    [Theory]
    [MemberData(nameof(Scenarios.AllAsTheoryData), MemberType = typeof(Scenarios))]
    public Task Output(string[] args) =>
        SnapshotVerifier.VerifyAsync(nameof(Output), Scenarios.Template, args, Scrubbers.Default());

    // The hidden HttpPort option fixes the port the engine otherwise picks at random, so this snapshot keeps
    // the port visible instead of scrubbing it: it shows where the value lands (launchSettings.json, README.md).
    [Fact]
    public Task OutputWithFixedHttpPort() =>
        SnapshotVerifier.VerifyAsync(nameof(OutputWithFixedHttpPort), Scenarios.Template, ["--HttpPort", "5123"], new Scrubbers().AddGuidScrubber().AddSecretScrubber());
}
