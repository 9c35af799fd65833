using Microsoft.Extensions.Configuration;

namespace FlyMpg.Tests;

/// <summary>
/// How <c>migrate</c> waits for locks while the release that is serving keeps serving (section <c>FlyMpg:Migrate</c>):
/// a short lock timeout, tries again within a budget that fits fly.toml's release command, and a statement timeout below it.
/// </summary>
public class MigrateSettingsTests
{
    private static FlyPostgresSettings Bound(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db" })
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
            .Build();
        var bound = new FlyPostgresSettings();
        configuration.GetSection(FlyPostgres.SectionName).Bind(bound);
        return new FlyPostgresConnections(configuration, bound).Settings;
    }

    [Fact]
    public void By_default_a_statement_waits_half_a_second_for_a_lock_migrate_tries_again_for_two_minutes_and_a_statement_runs_four()
    {
        var migrate = Bound().Migrate;

        Assert.Equal(500, migrate.LockTimeoutMilliseconds);
        Assert.Equal(120, migrate.LockRetrySeconds);
        Assert.Equal(240, migrate.StatementTimeoutSeconds);
        // Inside the release command's 5 minutes; the client's own timeout above Postgres' statement timeout.
        Assert.True(migrate.StatementTimeoutSeconds < 300 && migrate.LockRetrySeconds < 300);
        Assert.True(migrate.CommandTimeout > migrate.StatementTimeoutSeconds);
    }

    [Fact]
    public void They_are_read_from_the_FlyMpg_Migrate_section_and_0_turns_a_timeout_off()
    {
        var migrate = Bound(
            ("FlyMpg:Migrate:LockTimeoutMilliseconds", "0"),
            ("FlyMpg:Migrate:LockRetrySeconds", "30"),
            ("FlyMpg:Migrate:StatementTimeoutSeconds", "900"),
            ("FlyMpg:Migrate:MaxPoolSize", "3")).Migrate;

        Assert.Equal((0, 30, 900, 3), (migrate.LockTimeoutMilliseconds, migrate.LockRetrySeconds, migrate.StatementTimeoutSeconds, migrate.MaxPoolSize));
    }

    [Theory]
    [InlineData("FlyMpg:Migrate:LockTimeoutMilliseconds", "-1", "from 0 to 60000")]
    [InlineData("FlyMpg:Migrate:LockTimeoutMilliseconds", "60001", "from 0 to 60000")]
    [InlineData("FlyMpg:Migrate:LockRetrySeconds", "-5", "from 0 to 3600")]
    [InlineData("FlyMpg:Migrate:LockRetrySeconds", "3601", "from 0 to 3600")]
    [InlineData("FlyMpg:Migrate:StatementTimeoutSeconds", "-1", "from 0 to 86400")]
    public void A_value_out_of_range_is_refused_naming_the_setting_and_the_range(string key, string value, string range)
    {
        var error = Assert.Throws<DatabaseConfigurationException>(() => Bound((key, value)));

        Assert.Equal(key, error.Setting);
        Assert.Contains($"{key} is {value}; it must be a whole number {range}", error.Message);
    }
}
