using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Snapshots;

/// <summary>
/// The whole generated tree per option set, compared with <c>Snapshots/&lt;test&gt;.flympg-web.&lt;args&gt;.verified/</c>.
/// A mismatch writes the <c>.received</c> twin and prints a diff; accept with <c>build/accept-snapshots.sh</c>.
/// Rows without <c>-n</c> are generated as <c>-n Orders</c>, so they differ from the first row only by their options.
/// </summary>
public class TemplateSnapshotTests
{
    private const string Template = "flympg-web";

    [Theory]
    [InlineData("-n", "Orders")]
    [InlineData("--worker", "hangfire")]
    [InlineData("--no-sample")]
    [InlineData("--no-sample", "--worker", "hangfire", "--worker-pool-size", "4", "--framework", "net10.0")]
    [InlineData("--app-name", "orders-prod", "--region", "ams", "--pool-size", "12")]
    [InlineData("-n", "My.Orders.Api")]
    [InlineData("-n", "orders-api")]
    [InlineData("-n", "3dPrint")]
    public Task Output(params string[] args) =>
        SnapshotVerifier.VerifyAsync(nameof(Output), Template, args, Scrubbers.Default());

    // The hidden HttpPort option fixes the port the engine otherwise picks at random, so this snapshot keeps
    // the port visible instead of scrubbing it: it shows where the value lands (launchSettings.json, README.md).
    [Fact]
    public Task OutputWithFixedHttpPort() =>
        SnapshotVerifier.VerifyAsync(nameof(OutputWithFixedHttpPort), Template, ["--HttpPort", "5123"], new Scrubbers().AddGuidScrubber().AddSecretScrubber());
}
