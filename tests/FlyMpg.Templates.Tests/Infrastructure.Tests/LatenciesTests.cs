using FlyMpg.Templates.Tests.Infrastructure;

namespace FlyMpg.Templates.Tests.Infrastructure.Tests;

public class LatenciesTests
{
    private static Latencies Milliseconds(params int[] samples) => new(samples.Select(ms => TimeSpan.FromMilliseconds(ms)));

    [Fact]
    public void The_p99_of_a_hundred_samples_is_the_99th_so_one_outlier_shows_only_in_the_max()
    {
        var latencies = Milliseconds([.. Enumerable.Range(1, 99).Select(_ => 5), 9000]);

        Assert.Equal(TimeSpan.FromMilliseconds(5), latencies.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(9000), latencies.Max);
    }

    [Fact]
    public void Two_slow_samples_in_a_hundred_reach_the_p99()
    {
        var latencies = Milliseconds([.. Enumerable.Range(1, 98).Select(_ => 5), 9000, 9100]);

        Assert.Equal(TimeSpan.FromMilliseconds(9000), latencies.P99);
    }

    [Fact]
    public void Percentiles_are_nearest_rank_whatever_the_order_of_the_samples()
    {
        var latencies = Milliseconds(40, 10, 30, 20);

        Assert.Equal(TimeSpan.FromMilliseconds(20), latencies.P50);
        Assert.Equal(TimeSpan.FromMilliseconds(40), latencies.P99);
        Assert.Equal(TimeSpan.FromMilliseconds(10), latencies.Percentile(1));
        Assert.Equal("4 samples, p50 20 ms, p99 40 ms, max 40 ms", latencies.ToString());
    }

    [Fact]
    public void No_samples_read_as_zero_and_say_so()
    {
        var latencies = Milliseconds();

        Assert.Equal(TimeSpan.Zero, latencies.P99);
        Assert.Equal("no samples", latencies.ToString());
    }
}
