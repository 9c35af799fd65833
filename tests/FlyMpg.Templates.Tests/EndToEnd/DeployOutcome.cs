using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>What one deploy of <see cref="DeployTests"/> did: the new release's <c>migrate</c>, the old release's reads while it ran, and the schema it left.</summary>
/// <param name="Migrate">The new release's <c>dotnet App.dll migrate</c>.</param>
/// <param name="Reads">The old release's reads due while migrate ran.</param>
/// <param name="FailedReads">Of those, how many did not answer 200.</param>
/// <param name="Load">The whole read load, for failure messages.</param>
/// <param name="ReportPid">The backend pid of the report that held its transaction open.</param>
/// <param name="EndedBeforeReport">Whether migrate exited while the report still held its transaction open.</param>
/// <param name="ColumnAdded">Whether <c>todos.priority</c> exists afterwards.</param>
/// <param name="IndexValid">Whether its index is valid afterwards; null when there is none.</param>
/// <param name="Recorded">The new release's migrations in <c>__EFMigrationsHistory</c> afterwards.</param>
public sealed record DeployOutcome(ProcessResult Migrate, Latencies Reads, int FailedReads, string Load, int ReportPid, bool EndedBeforeReport, bool ColumnAdded, bool? IndexValid, IReadOnlyList<string> Recorded)
{
    public override string ToString() =>
        $"migrate exited {Migrate.ExitCode} after {Migrate.Duration.TotalSeconds:F1} s{(EndedBeforeReport ? ", before the report ended" : "")}; reads during migrate: {Reads}, {FailedReads} failed; column added: {ColumnAdded}, index valid: {IndexValid?.ToString() ?? "no index"}, recorded: [{string.Join(", ", Recorded)}]; load: {Load}{Environment.NewLine}{Migrate.Describe()}";
}
