using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Polly;
using Polly.CircuitBreaker;

namespace FlyMpg.Tests;

/// <summary>
/// Why <see cref="DatabaseBreaker"/> counts outage errors instead of using Polly's circuit breaker, which opens on a failure
/// ratio over a sampling window: the same sequences of outcomes, fed to both. After a PgBouncer <c>KILL</c> under load, the
/// 8 connections in use fail at once among the hundreds of requests that succeeded in the half second before (300 to 750
/// in the fault suite), and PgBouncer then holds new requests without failing them, so no later failure raises the ratio.
/// One dropped connection at low traffic is one failure among a few requests.
/// </summary>
public class PollyRatioBreakerTests
{
    private static readonly TimeSpan HalfSecond = TimeSpan.FromMilliseconds(500);

    private static PostgresException DatabaseRemoved() => new("database removed", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation);

    // Polly.Core's breaker with the same notion of an outage error, its shortest sampling window and smallest throughput.
    private static (ResiliencePipeline Pipeline, CircuitBreakerStateProvider State) Polly(double failureRatio, TimeProvider time)
    {
        var state = new CircuitBreakerStateProvider();
        var pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = failureRatio,
                MinimumThroughput = 2,
                SamplingDuration = HalfSecond,
                BreakDuration = HalfSecond,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && DatabaseFailure.IsOutage(e)),
                StateProvider = state,
            })
            .Build();
        return (pipeline, state);
    }

    // successes spread over half a second, then failures at once: to Polly's pipeline and to FlyMpg's breaker.
    private static (CircuitState Polly, BreakerState FlyMpg) Feed(double pollyFailureRatio, int successes, int failures)
    {
        var time = new FakeTimeProvider();
        var (pipeline, polly) = Polly(pollyFailureRatio, time);
        using var ours = TestBreakers.Create($"polly-spec-{Guid.NewGuid():N}", new BreakerSettings(), time);
        for (var i = 0; i < successes; i++)
        {
            pipeline.Execute(() => { });
            ours.Succeeded(ours.Enter());
            time.Advance(HalfSecond / successes);
        }

        // The connections in use fail at once: every one of them was let through before the first failure came back.
        var inFlight = Enumerable.Range(0, failures).Select(_ => ours.Enter()).ToList();
        foreach (var attempt in inFlight)
        {
            try
            {
                pipeline.Execute(() => throw DatabaseRemoved());
            }
            catch (Exception e) when (e is PostgresException or BrokenCircuitException)
            {
                // counted by Polly's breaker, or refused by it once open
            }

            ours.Failed(attempt, DatabaseRemoved());
        }

        return (polly.CircuitState, ours.State);
    }

    [Fact]
    public void A_PgBouncer_KILL_under_load_opens_FlyMpg_s_breaker_and_leaves_Polly_s_closed()
    {
        var (polly, flyMpg) = Feed(pollyFailureRatio: 0.1, successes: 400, failures: 8);

        Assert.Equal(CircuitState.Closed, polly);
        Assert.Equal(BreakerState.Open, flyMpg);
    }

    [Fact]
    public void Polly_s_breaker_tuned_to_open_on_that_KILL_opens_on_one_dropped_connection_at_low_traffic()
    {
        Assert.Equal(CircuitState.Open, Feed(pollyFailureRatio: 0.015, successes: 400, failures: 8).Polly);

        var (polly, flyMpg) = Feed(pollyFailureRatio: 0.015, successes: 10, failures: 1);

        Assert.Equal(CircuitState.Open, polly);
        Assert.Equal(BreakerState.Closed, flyMpg);
    }
}
