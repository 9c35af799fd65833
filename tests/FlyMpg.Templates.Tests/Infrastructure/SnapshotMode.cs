namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Accept mode from the environment: <c>FLYMPG_ACCEPT_SNAPSHOTS=1</c>, refused under <c>CI=true</c>.</summary>
public sealed record SnapshotMode(bool Accept, bool IsCi)
{
    public static SnapshotMode Compare { get; } = new(false, false);

    public static SnapshotMode FromEnvironment() => new(
        Environment.GetEnvironmentVariable(SnapshotVerifier.AcceptVariable) is "1" or "true" or "TRUE" or "True",
        Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1"));
}
