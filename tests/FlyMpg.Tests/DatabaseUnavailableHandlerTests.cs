using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>A request the database could not serve is answered 503, and counted by its reason on the FlyMpg meter.</summary>
public class DatabaseUnavailableHandlerTests
{
    private static Task<(bool Handled, HttpContext Context)> HandleAsync(Exception failure) =>
        HandleAsync(failure, NullLogger<DatabaseUnavailableHandler>.Instance);

    private static async Task<(bool Handled, HttpContext Context)> HandleAsync(Exception failure, ILogger<DatabaseUnavailableHandler> logger)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new DatabaseUnavailableHandler(services.GetRequiredService<IProblemDetailsService>(), DatabaseBreaker.Off, logger);
        var context = new DefaultHttpContext { RequestServices = services };
        context.Response.Body = new MemoryStream();
        return (await handler.TryHandleAsync(context, failure, CancellationToken.None), context);
    }

    // The problem details' "reason": the metric's flympg.reason, for the client.
    private static string? ReasonIn(HttpContext context)
    {
        context.Response.Body.Position = 0;
        using var body = System.Text.Json.JsonDocument.Parse(context.Response.Body);
        return body.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
    }

    [Fact]
    public async Task A_full_pooler_is_answered_503_and_counted_as_saturated()
    {
        using var responses = new MetricRecorder(FlyPostgres.MeterName, "flympg.unavailable_responses");

        var (handled, context) = await HandleAsync(new PostgresException("query_wait_timeout", "FATAL", "FATAL", PostgresErrorCodes.ProtocolViolation));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        var counted = Assert.Single(responses.Measurements, m => Equals(m.Tags["flympg.reason"], "saturated"));
        Assert.Equal(1, counted.Value);
        Assert.Equal("saturated", ReasonIn(context));
    }

    [Fact]
    public async Task A_database_that_refuses_connections_is_answered_503_with_a_reason_a_client_tells_from_a_full_pool()
    {
        var (handled, context) = await HandleAsync(new NpgsqlException("Failed to connect to 127.0.0.1:5432", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused)));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("never_ran", ReasonIn(context));
    }

    [Fact]
    public async Task While_the_database_is_known_to_be_down_the_503_says_when_it_is_probed_next_and_is_not_logged_per_request()
    {
        using var responses = new MetricRecorder(FlyPostgres.MeterName, "flympg.unavailable_responses");
        var log = new FakeLogger<DatabaseUnavailableHandler>();

        var (handled, context) = await HandleAsync(new DatabaseUnavailableException("web", TimeSpan.FromMilliseconds(300), "08P01: database removed"), log);

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.Equal("1", context.Response.Headers.RetryAfter.ToString());
        Assert.Equal(1, Assert.Single(responses.Measurements, m => Equals(m.Tags["flympg.reason"], "breaker_open")).Value);
        Assert.Equal("breaker_open", ReasonIn(context));
        Assert.DoesNotContain(log.Collector.GetSnapshot(), e => e.Level >= LogLevel.Information);
    }

    [Fact]
    public async Task A_bug_is_left_to_the_500_and_not_counted()
    {
        using var responses = new MetricRecorder(FlyPostgres.MeterName, "flympg.unavailable_responses");

        var (handled, _) = await HandleAsync(new PostgresException("column \"titel\" does not exist", "ERROR", "ERROR", PostgresErrorCodes.UndefinedColumn));

        Assert.False(handled);
        Assert.Empty(responses.Measurements);
    }
}
