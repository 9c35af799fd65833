using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlyMpg.Tests;

/// <summary>
/// <c>OnFlyMigrate</c>: the service's own startup work (seeding, a helper that migrated and seeded) registered for
/// <c>migrate</c>, in order, and refused without AddFlyPostgres; and which contexts AddFlyPostgres can pool.
/// </summary>
public class FlyMigrateTests
{
    private sealed class PoolableContext(DbContextOptions<PoolableContext> options) : DbContext(options);

    private sealed class SelfConfiguredContext(DbContextOptions<SelfConfiguredContext> options, IConfiguration configuration) : DbContext(options)
    {
        public IConfiguration Configuration { get; } = configuration;
    }

    private static WebApplication App(bool withFlyPostgres)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
            ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db",
        });
        if (withFlyPostgres)
        {
            builder.AddFlyPostgres<PoolableContext>();
        }

        return builder.Build();
    }

    [Fact]
    public async Task Steps_are_kept_in_order_for_migrate_and_nothing_runs_when_they_are_added()
    {
        await using var app = App(withFlyPostgres: true);
        var ran = new List<string>();

        app.OnFlyMigrate(() => ran.Add("seed rooms"));
        app.OnFlyMigrate(async () =>
        {
            await Task.Yield();
            ran.Add("seed bookings");
        });

        Assert.Empty(ran);
        foreach (var step in app.Services.GetRequiredService<FlyMigrateSteps>().All())
        {
            await step();
        }

        Assert.Equal(["seed rooms", "seed bookings"], ran);
    }

    [Fact]
    public async Task Without_AddFlyPostgres_a_step_is_refused_with_the_call_it_needs()
    {
        await using var app = App(withFlyPostgres: false);

        var refused = Assert.Throws<InvalidOperationException>(() => app.OnFlyMigrate(() => { }));

        Assert.Contains("AddFlyPostgres<TContext>()", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_is_pooled_only_when_its_one_constructor_takes_only_its_options()
    {
        Assert.True(ContextRegistration.CanBePooled(typeof(PoolableContext)));
        Assert.False(ContextRegistration.CanBePooled(typeof(SelfConfiguredContext)));
    }

    [Fact]
    public async Task A_context_that_also_takes_services_is_registered_per_scope_and_gets_FlyMpg_s_options()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
        });
        builder.AddFlyPostgres<SelfConfiguredContext>();
        await using var services = builder.Services.BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();

        var context = scope.ServiceProvider.GetRequiredService<SelfConfiguredContext>();

        Assert.NotNull(context.Configuration);
        Assert.Equal("pgbouncer.abc.flympg.net", new Npgsql.NpgsqlConnectionStringBuilder(context.Database.GetConnectionString()).Host);
    }
}
