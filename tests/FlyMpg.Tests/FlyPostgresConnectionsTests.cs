using Microsoft.Extensions.Configuration;

namespace FlyMpg.Tests;

/// <summary>What FlyMpg puts on each connection: MPG's pooled and direct URLs in, PgBouncer-safe settings out.</summary>
public class FlyPostgresConnectionsTests
{
    // Fly's URLs, then the given settings: later values win, as with environment variables over appsettings.json.
    private static FlyPostgresConnections Connections(params (string Key, string Value)[] settings)
    {
        var configuration = Configuration(settings);
        var bound = new FlyPostgresSettings();
        configuration.GetSection(FlyPostgres.SectionName).Bind(bound);
        return new FlyPostgresConnections(configuration, bound);
    }

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
        var pooled = Connections().Pooled();

        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
        Assert.Equal(new PooledConnectionSettings().MaxPoolSize, pooled.MaxPoolSize);
        Assert.Equal(300, pooled.ConnectionIdleLifetime);
        Assert.Equal(600, pooled.ConnectionLifetime);
        Assert.Equal(15, pooled.CommandTimeout);
        Assert.Equal("testhost:web", pooled.ApplicationName);
    }

    [Fact]
    public void The_breakers_stall_check_goes_through_PgBouncer_outside_the_pool_and_waits_2_s_at_most()
    {
        var check = Connections().StallCheck();

        Assert.Equal("pgbouncer.abc.flympg.net", check.Host);
        Assert.False(check.Pooling);
        Assert.Equal(0, check.MaxAutoPrepare);
        Assert.Equal((2, 2), (check.Timeout, check.CommandTimeout));
        Assert.Equal("testhost:web-check", check.ApplicationName);
    }

    [Fact]
    public void The_pooled_connection_overrides_unsafe_settings_given_in_DATABASE_URL()
    {
        var pooled = Connections(
            ("DATABASE_URL", "Host=pgbouncer.abc.flympg.net;Username=u;Password=pw;Database=d;Max Auto Prepare=20;No Reset On Close=false")).Pooled();

        Assert.Equal(0, pooled.MaxAutoPrepare);
        Assert.True(pooled.NoResetOnClose);
    }

    [Fact]
    public void Pool_settings_can_be_overridden_in_configuration_and_pruning_follows_the_idle_lifetime()
    {
        var pooled = Connections(
            ("FlyMpg:Pooled:MaxPoolSize", "12"), ("FlyMpg:Pooled:ConnectionIdleLifetime", "2"), ("FLY_APP_NAME", "orders")).Pooled();

        Assert.Equal(12, pooled.MaxPoolSize);
        Assert.Equal(2, pooled.ConnectionIdleLifetime);
        Assert.Equal(1, pooled.ConnectionPruningInterval);
        Assert.Equal("orders:web", pooled.ApplicationName);
    }

    [Theory]
    [InlineData("FlyMpg:Pooled:MaxPoolSize", "0", "FlyMpg:Pooled:MaxPoolSize is 0; it must be a whole number from 1 to 1000. Set it in appsettings.json or as the environment variable FlyMpg__Pooled__MaxPoolSize.")]
    [InlineData("FlyMpg:Worker:MaxPoolSize", "5000", "FlyMpg:Worker:MaxPoolSize is 5000; it must be a whole number from 1 to 1000.")]
    [InlineData("FlyMpg:MaxRetryCount", "-1", "FlyMpg:MaxRetryCount is -1; it must be a whole number from 0 to 10.")]
    [InlineData("FlyMpg:Breaker:FailureThreshold", "0", "FlyMpg:Breaker:FailureThreshold is 0; it must be a whole number from 1 to 100.")]
    [InlineData("FlyMpg:Breaker:SamplingMilliseconds", "0", "FlyMpg:Breaker:SamplingMilliseconds is 0; it must be a whole number from 1 to 60000.")]
    [InlineData("FlyMpg:Breaker:BreakMilliseconds", "600000", "FlyMpg:Breaker:BreakMilliseconds is 600000; it must be a whole number from 1 to 60000.")]
    [InlineData("FlyMpg:Breaker:StallMilliseconds", "50", "FlyMpg:Breaker:StallMilliseconds is 50; it must be a whole number from 100 to 60000.")]
    [InlineData("FlyMpg:Migrate:LockTimeoutMilliseconds", "-1", "FlyMpg:Migrate:LockTimeoutMilliseconds is -1; it must be a whole number from 0 to 60000.")]
    [InlineData("FlyMpg:Migrate:LockTimeoutMilliseconds", "60001", "FlyMpg:Migrate:LockTimeoutMilliseconds is 60001; it must be a whole number from 0 to 60000.")]
    [InlineData("FlyMpg:Migrate:LockRetrySeconds", "3601", "FlyMpg:Migrate:LockRetrySeconds is 3601; it must be a whole number from 0 to 3600.")]
    [InlineData("FlyMpg:Migrate:StatementTimeoutSeconds", "-1", "FlyMpg:Migrate:StatementTimeoutSeconds is -1; it must be a whole number from 0 to 86400.")]
    public void A_setting_out_of_range_is_refused_naming_the_key_and_the_rule(string key, string value, string message)
    {
        var error = Assert.Throws<DatabaseConfigurationException>(() => Connections((key, value)));

        Assert.StartsWith(message, error.Message);
        Assert.Equal(key, error.Setting);
    }

    [Fact]
    public void An_application_name_in_settings_wins_over_FLY_APP_NAME()
    {
        var pooled = Connections(("FLY_APP_NAME", "orders"), ("FlyMpg:ApplicationName", "orders-api")).Pooled();

        Assert.Equal("orders-api:web", pooled.ApplicationName);
    }

    [Fact]
    public void The_URLs_are_read_on_first_use_so_migrate_needs_no_DATABASE_URL()
    {
        var connections = Connections(("DATABASE_URL", ""));

        Assert.Equal("direct.abc.flympg.net", connections.Migrate().Host);
        var error = Assert.Throws<DatabaseConfigurationException>(() => connections.Pooled());
        Assert.Equal("DATABASE_URL", error.Setting);
    }

    [Fact]
    public void The_direct_connection_has_a_small_pool_named_after_its_role()
    {
        var direct = Connections().Migrate();

        Assert.Equal("direct.abc.flympg.net", direct.Host);
        Assert.Equal(2, direct.MaxPoolSize);
        Assert.Equal(300, direct.CommandTimeout);
        Assert.Equal("testhost:migrate", direct.ApplicationName);
    }

    // migrate runs as fly.toml's release_command while the previous release serves: a short lock wait, tried again within
    // a budget inside the release command's 5 minutes, and a statement timeout below them that the client's outlasts.
    [Fact]
    public void Migrate_waits_a_quarter_second_for_a_lock_tries_again_for_two_minutes_and_lets_a_statement_run_four()
    {
        var migrate = Connections().Settings.Migrate;

        Assert.Equal((250, 120, 240), (migrate.LockTimeoutMilliseconds, migrate.LockRetrySeconds, migrate.StatementTimeoutSeconds));
        Assert.True(migrate.CommandTimeout > migrate.StatementTimeoutSeconds, "Npgsql's own timeout must come after Postgres' statement_timeout");
    }

    [Fact]
    public void Migrate_s_lock_and_statement_timeouts_are_read_from_the_Migrate_section_and_0_turns_one_off()
    {
        var migrate = Connections(
            ("FlyMpg:Migrate:LockTimeoutMilliseconds", "0"),
            ("FlyMpg:Migrate:LockRetrySeconds", "30"),
            ("FlyMpg:Migrate:StatementTimeoutSeconds", "900"),
            ("FlyMpg:Migrate:MaxPoolSize", "3")).Settings.Migrate;

        Assert.Equal((0, 30, 900, 3), (migrate.LockTimeoutMilliseconds, migrate.LockRetrySeconds, migrate.StatementTimeoutSeconds, migrate.MaxPoolSize));
    }
}
