namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// What a <see cref="WriteLoad"/> saw and what the table holds afterwards. <see cref="UnansweredApplied"/>: requests that
/// got no HTTP answer although their write is in the table (the service accepted them, then dropped them).
/// </summary>
public sealed record WriteLoadOutcome(
    int Acknowledged, int Lost, int Duplicates, int Unavailable, int ServerErrors, IReadOnlyList<string> OtherFailures, int UnansweredApplied, TimeSpan Slowest)
{
    public override string ToString() =>
        $"{Acknowledged} acknowledged, {Lost} lost, {Duplicates} duplicates, {Unavailable} × 503, {ServerErrors} × 500, " +
        $"{OtherFailures.Count} other failures ({UnansweredApplied} unanswered but applied), slowest answer {Slowest.TotalSeconds:F1} s" +
        (OtherFailures.Count > 0 ? $"; first failures: {string.Join(" | ", OtherFailures.Take(5))}" : "");
}
