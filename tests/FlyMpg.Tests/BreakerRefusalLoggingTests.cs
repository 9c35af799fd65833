using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlyMpg.Tests;

/// <summary>
/// While the breaker is open the outage has been logged once, when it opened: EF Core's own error for each refused
/// query or save (with its stack) goes to Debug, and an EF Core failure of any other kind is logged as EF Core writes it.
/// </summary>
public sealed class BreakerRefusalLoggingTests
{
    private sealed class Todo
    {
        public int Id { get; set; }
    }

    private sealed class SpecContext(DbContextOptions<SpecContext> options) : DbContext(options)
    {
        public DbSet<Todo> Todos => Set<Todo>();
    }

    private readonly FakeLoggerProvider _logs = new();

    // Nothing listens on port 1: a query that gets through fails at once with a refused connection.
    private ServiceProvider WebServices()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://fly-user:pw@127.0.0.1:1/fly-db",
            ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@127.0.0.1:1/fly-db",
            ["FlyMpg:MaxRetryCount"] = "0",
            ["FlyMpg:Breaker:BreakMilliseconds"] = "60000", // no probe during the spec
        });
        builder.Logging.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);
        builder.AddFlyPostgres<SpecContext>();
        var services = builder.Services.BuildServiceProvider();
        services.GetRequiredService<FlyProcess>().Command = FlyCommand.Web;
        return services;
    }

    private IEnumerable<FakeLogRecord> EfCoreErrors() =>
        _logs.Collector.GetSnapshot().Where(e => e.Category?.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true && e.Level >= LogLevel.Error);

    [Fact]
    public async Task A_query_refused_while_the_breaker_is_open_is_no_error_in_EF_Cores_log()
    {
        await using var services = WebServices();
        var breaker = services.GetRequiredService<DatabaseBreaker>();
        breaker.Failed(breaker.Enter(), DatabaseBreakerTests.AdminShutdown());
        breaker.Failed(breaker.Enter(), DatabaseBreakerTests.AdminShutdown());
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<SpecContext>();
        Assert.Equal(BreakerState.Open, breaker.State);

        await Assert.ThrowsAsync<DatabaseUnavailableException>(() => context.Todos.ToListAsync());
        context.Todos.Add(new Todo());
        var save = await Assert.ThrowsAnyAsync<Exception>(() => context.SaveChangesAsync());

        Assert.NotNull(DatabaseFailure.Find<DatabaseUnavailableException>(save));
        Assert.Empty(EfCoreErrors());
        Assert.Contains(_logs.Collector.GetSnapshot(), e => e.Level == LogLevel.Debug && e.Id.Id == 10100 && e.Exception is DatabaseUnavailableException); // the query
        Assert.Contains(_logs.Collector.GetSnapshot(), e => e.Level == LogLevel.Debug && e.Id.Id == 10000 && e.Exception is { } failure && DatabaseFailure.Find<DatabaseUnavailableException>(failure) is not null); // the save
    }

    [Fact]
    public async Task A_query_that_fails_for_another_reason_is_logged_as_EF_Core_writes_it()
    {
        await using var services = WebServices();
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<SpecContext>();

        await Assert.ThrowsAnyAsync<Exception>(() => context.Todos.ToListAsync());

        Assert.Contains(EfCoreErrors(), e => e.Id.Id == 10100 && e.Exception is { } failure && DatabaseFailure.FindNpgsqlException(failure) is not null);
    }
}
