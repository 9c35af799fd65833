using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FlyMpg.Tests;

/// <summary>
/// One breaker for the web process's pooled data source, shared by EF Core (<see cref="FlyExecutionStrategy"/>), raw
/// Npgsql (<see cref="TransientRetry"/>) and <c>/readyz</c>: outage errors met by any of them open it for all, and while
/// it is open none of them opens a connection. The database here refuses connections (nothing listens on its port).
/// </summary>
public sealed class BreakerSharedTests : IAsyncDisposable
{
    private sealed class Thing
    {
        public int Id { get; set; }
    }

    private sealed class AppContext(DbContextOptions<AppContext> options) : DbContext(options)
    {
        public DbSet<Thing> Things => Set<Thing>();
    }

    private readonly ServiceProvider _services;

    public BreakerSharedTests()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Port 1 on loopback: refused at once, as a pooler that is restarting.
            ["DATABASE_URL"] = "postgresql://fly-user:pw@127.0.0.1:1/fly-db",
            ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@127.0.0.1:1/fly-db",
            // No probe while a spec runs, however slowly a busy host runs it: what is refused is refused by the open breaker.
            ["FlyMpg:Breaker:BreakMilliseconds"] = "60000",
        });
        builder.Services.AddLogging();
        builder.AddFlyPostgres<AppContext>();
        _services = builder.Services.BuildServiceProvider();
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private DatabaseBreaker Breaker => _services.GetRequiredService<DatabaseBreaker>();

    private async Task<Exception> QueryWithEfCoreAsync()
    {
        await using var scope = _services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AppContext>();
        return await Assert.ThrowsAnyAsync<Exception>(() => context.Things.ToListAsync());
    }

    [Fact]
    public async Task An_EF_Core_query_that_meets_refused_connections_opens_the_breaker_and_fails_without_waiting_for_its_retries()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failure = await QueryWithEfCoreAsync();

        // Refused, retried at once, refused again: the breaker opens, and the retries after 1 s and 2 s are not made.
        Assert.Equal(DatabaseFailureKind.NeverRan, DatabaseFailure.Classify(failure));
        Assert.Equal(BreakerState.Open, Breaker.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"{clock.Elapsed.TotalMilliseconds:F0} ms, as long as EF Core's retries would wait: {failure}");
    }

    [Fact]
    public async Task Once_open_EF_Core_raw_Npgsql_and_the_readiness_check_are_refused_without_opening_a_connection()
    {
        await QueryWithEfCoreAsync();
        var attempts = 0;

        var efCore = await QueryWithEfCoreAsync();
        var rawNpgsql = await Assert.ThrowsAsync<DatabaseUnavailableException>(() =>
            _services.GetRequiredService<TransientRetry>().ReadAsync(() => Task.FromResult(++attempts)));
        var readiness = await _services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.IsType<DatabaseUnavailableException>(efCore);
        Assert.Equal(0, attempts);
        Assert.Equal(HealthStatus.Unhealthy, readiness.Status);
        Assert.Contains("is down", readiness.Entries["database"].Description, StringComparison.Ordinal);
        Assert.Equal("web", rawNpgsql.DataSourceName);
    }
}
