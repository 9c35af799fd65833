using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// A second context (<c>AddFlyDbContext</c>) shares the first's pooled data source and is migrated by <c>migrate</c>; the
/// <c>IServiceCollection</c> form of <c>AddFlyPostgres</c> (a Startup class) registers the same as the builder's.
/// </summary>
public class FlyDbContextTests
{
    private sealed class MainContext(DbContextOptions<MainContext> options) : DbContext(options);

    private sealed class AuditContext(DbContextOptions<AuditContext> options) : DbContext(options);

    private static readonly Dictionary<string, string?> Urls = new()
    {
        ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
        ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db",
    };

    [Fact]
    public async Task A_second_context_uses_the_pooled_data_source_of_the_first_and_is_migrated_after_it()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Urls);
        builder.AddFlyPostgres<MainContext>();
        builder.AddFlyDbContext<AuditContext>();
        await using var services = builder.Services.BuildServiceProvider();

        var pooled = services.GetRequiredService<NpgsqlDataSource>();
        await using var scope = services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AuditContext>();

        var expected = new NpgsqlConnectionStringBuilder(pooled.ConnectionString);
        var actual = new NpgsqlConnectionStringBuilder(audit.Database.GetDbConnection().ConnectionString);
        Assert.Equal(("pgbouncer.abc.flympg.net", expected.ApplicationName, expected.MaxPoolSize), (actual.Host, actual.ApplicationName, actual.MaxPoolSize));
        Assert.Single(services.GetServices<IFlyMigrateStep>(), step => step is Commands.ContextMigrateStep<AuditContext>);
    }

    [Fact]
    public void A_second_context_without_AddFlyPostgres_first_is_refused_with_what_to_call()
    {
        var services = new ServiceCollection();

        var refused = Assert.Throws<InvalidOperationException>(() => services.AddFlyDbContext<AuditContext>());

        Assert.Contains("AddFlyPostgres<TContext>() first", refused.Message);
    }

    [Fact]
    public async Task The_service_collection_form_registers_what_the_builder_form_does()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Urls).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(configuration);

        services.AddFlyPostgres<MainContext>(configuration);
        await using var provider = services.BuildServiceProvider();

        Assert.Equal("pgbouncer.abc.flympg.net", new NpgsqlConnectionStringBuilder(provider.GetRequiredService<NpgsqlDataSource>().ConnectionString).Host);
        await using var scope = provider.CreateAsyncScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<MainContext>());
    }
}
