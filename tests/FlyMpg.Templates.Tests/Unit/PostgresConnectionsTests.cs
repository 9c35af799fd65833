using Company.Service1.Database;
using Microsoft.Extensions.Configuration;

namespace FlyMpg.Templates.Tests.Unit;

/// <summary>What the generated service puts on each connection (templates/flympg-web/Database/PostgresConnections.cs).</summary>
public class PostgresConnectionsTests
{
    // Fly's URLs, then the given settings: later values win, as with environment variables over appsettings.json.
    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
                ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db",
            })
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();

    [Fact]
    public void The_pooled_connection_is_safe_for_PgBouncer_in_transaction_mode()
    {
        var pooled = PostgresConnections.Pooled(Configuration());

        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
        Assert.Equal(PostgresConnections.PooledMaxPoolSize, pooled.MaxPoolSize);
        Assert.Equal(300, pooled.ConnectionIdleLifetime);
        Assert.Equal(600, pooled.ConnectionLifetime);
        Assert.Equal(15, pooled.CommandTimeout);
        Assert.Equal("company-service1:web", pooled.ApplicationName);
    }

    [Fact]
    public void The_pooled_connection_overrides_unsafe_settings_given_in_DATABASE_URL()
    {
        var pooled = PostgresConnections.Pooled(Configuration(
            ("DATABASE_URL", "Host=pgbouncer.abc.flympg.net;Username=u;Password=pw;Database=d;Max Auto Prepare=20;No Reset On Close=false")));

        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
    }

    [Fact]
    public void Pool_settings_can_be_overridden_in_configuration_and_pruning_follows_the_idle_lifetime()
    {
        var pooled = PostgresConnections.Pooled(Configuration(
            ("Database:Pooled:MaxPoolSize", "12"), ("Database:Pooled:ConnectionIdleLifetime", "2"), ("FLY_APP_NAME", "orders")));

        Assert.Equal(12, pooled.MaxPoolSize);
        Assert.Equal(2, pooled.ConnectionIdleLifetime);
        Assert.Equal(1, pooled.ConnectionPruningInterval);
        Assert.Equal("orders:web", pooled.ApplicationName);
    }

    [Fact]
    public void The_direct_connection_has_a_small_pool_named_after_its_role()
    {
        var direct = PostgresConnections.Direct(Configuration(), "migrate");

        Assert.Equal("direct.abc.flympg.net", direct.Host);
        Assert.Equal(2, direct.MaxPoolSize);
        Assert.Equal("company-service1:migrate", direct.ApplicationName);
    }
}
