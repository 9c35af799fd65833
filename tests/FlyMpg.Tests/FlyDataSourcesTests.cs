using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>Which Npgsql data source each process gets from <c>AddFlyPostgres</c>: one pool per purpose, never two for the same one.</summary>
public class FlyDataSourcesTests
{
    private sealed class SpecContext(DbContextOptions<SpecContext> options) : DbContext(options);

    private static ServiceProvider Services(FlyCommand command)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
            ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db",
            ["FLY_APP_NAME"] = "orders",
        });
        builder.AddFlyPostgres<SpecContext>();
        var services = builder.Services.BuildServiceProvider();
        services.GetRequiredService<FlyProcess>().Command = command;
        return services;
    }

    private static NpgsqlConnectionStringBuilder Settings(NpgsqlDataSource dataSource) => new(dataSource.ConnectionString);

    [Fact]
    public async Task The_web_process_talks_through_the_pooler_and_opens_a_small_direct_pool_only_for_session_work()
    {
        await using var services = Services(FlyCommand.Web);

        var pooled = services.GetRequiredService<NpgsqlDataSource>();
        var direct = services.GetRequiredKeyedService<NpgsqlDataSource>(FlyPostgres.DirectDataSourceKey);

        Assert.Equal(("pgbouncer.abc.flympg.net", "orders:web", 8), (Settings(pooled).Host, Settings(pooled).ApplicationName, Settings(pooled).MaxPoolSize));
        Assert.Equal(("direct.abc.flympg.net", "orders:direct", 2), (Settings(direct).Host, Settings(direct).ApplicationName, Settings(direct).MaxPoolSize));
        Assert.Same(direct, services.GetRequiredKeyedService<NpgsqlDataSource>(FlyPostgres.DirectDataSourceKey));
    }

    [Fact]
    public async Task The_worker_has_one_direct_pool_for_its_jobs_and_its_session_work()
    {
        await using var services = Services(FlyCommand.Worker);

        var worker = services.GetRequiredService<NpgsqlDataSource>();

        Assert.Equal(("direct.abc.flympg.net", "orders:worker", 6), (Settings(worker).Host, Settings(worker).ApplicationName, Settings(worker).MaxPoolSize));
        Assert.Same(worker, services.GetRequiredKeyedService<NpgsqlDataSource>(FlyPostgres.DirectDataSourceKey));
    }

    [Fact]
    public async Task Migrate_steps_resolve_the_direct_migrate_pool_so_seeding_runs_after_the_migrations_on_the_direct_url()
    {
        await using var services = Services(FlyCommand.Migrate);

        var migrate = services.GetRequiredService<NpgsqlDataSource>();

        Assert.Equal(("direct.abc.flympg.net", "orders:migrate", 2), (Settings(migrate).Host, Settings(migrate).ApplicationName, Settings(migrate).MaxPoolSize));
    }

    [Fact]
    public async Task Each_pool_is_named_after_its_purpose_in_Npgsql_metrics_never_after_its_connection_string()
    {
        using var maxConnections = new MetricRecorder("Npgsql", "db.client.connection.max");
        await using var web = Services(FlyCommand.Web);
        await using var worker = Services(FlyCommand.Worker);

        _ = web.GetRequiredService<NpgsqlDataSource>();
        _ = web.GetRequiredKeyedService<NpgsqlDataSource>(FlyPostgres.DirectDataSourceKey);
        _ = worker.GetRequiredService<NpgsqlDataSource>();
        maxConnections.Observe();

        var pools = maxConnections.Measurements.Select(m => ((string)m.Tags["db.client.connection.pool.name"]!, m.Value)).ToList();
        Assert.Contains(("web", 8d), pools);
        Assert.Contains(("direct", 2d), pools);
        Assert.Contains(("worker", 6d), pools);
        Assert.DoesNotContain(pools, p => p.Item1.Contains("flympg.net", StringComparison.Ordinal));
    }
}
