namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>What a <see cref="WriteLoad"/> saw and what the table holds afterwards.</summary>
public sealed record WriteLoadOutcome(
    int Acknowledged, int Lost, int Duplicates, int Unavailable, int ServerErrors, IReadOnlyList<string> OtherFailures, TimeSpan Slowest)
{
    public override string ToString() =>
        $"{Acknowledged} acknowledged, {Lost} lost, {Duplicates} duplicates, {Unavailable} × 503, {ServerErrors} × 500, " +
        $"{OtherFailures.Count} other failures, slowest answer {Slowest.TotalSeconds:F1} s" +
        (OtherFailures.Count > 0 ? $"; first failures: {string.Join(" | ", OtherFailures.Take(5))}" : "");
}
