using System.Globalization;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// A distribution of request latencies, read the way the deploy and fault specs state their goals (p99, max). Nearest-rank
/// percentiles: the p99 of 100 samples is the 99th, so one outlier in a hundred never hides.
/// </summary>
public sealed class Latencies
{
    private readonly TimeSpan[] _sorted;

    public Latencies(IEnumerable<TimeSpan> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        _sorted = [.. samples.Order()];
    }

    public int Count => _sorted.Length;

    public TimeSpan Max => Count == 0 ? TimeSpan.Zero : _sorted[^1];

    public TimeSpan P50 => Percentile(50);

    public TimeSpan P99 => Percentile(99);

    /// <summary>The smallest sample that at least <paramref name="percent"/>% of the samples do not exceed; zero when there are none.</summary>
    public TimeSpan Percentile(double percent)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(percent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        return Count == 0 ? TimeSpan.Zero : _sorted[(int)Math.Ceiling(percent / 100 * Count) - 1];
    }

    public override string ToString() =>
        Count == 0
            ? "no samples"
            : string.Create(CultureInfo.InvariantCulture, $"{Count} samples, p50 {P50.TotalMilliseconds:F0} ms, p99 {P99.TotalMilliseconds:F0} ms, max {Max.TotalMilliseconds:F0} ms");
}
