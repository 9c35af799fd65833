using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FlyMpg.Tests;

/// <summary>
/// The breaker's settings (<c>FlyMpg:Breaker</c>): defaults and overrides (values out of range are refused with the others,
/// in FlyPostgresConnectionsTests); and which process has one: the web process, unless it is turned off. The worker, <c>migrate</c> and <c>doctor</c> keep failing on their own.
/// </summary>
public class BreakerSettingsTests
{
    private sealed class AppContext(DbContextOptions<AppContext> options) : DbContext(options);

    private static ServiceProvider Services(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = "postgresql://fly-user:pw@pgbouncer.abc.flympg.net/fly-db",
            ["DIRECT_DATABASE_URL"] = "postgresql://fly-user:pw@direct.abc.flympg.net/fly-db",
        });
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.Services.AddLogging();
        builder.AddFlyPostgres<AppContext>();
        return builder.Services.BuildServiceProvider();
    }

    [Fact]
    public void By_default_two_outage_errors_within_a_second_open_it_a_probe_is_let_through_every_half_second_and_a_second_without_answers_is_checked()
    {
        var defaults = new BreakerSettings();

        Assert.Equal((true, 2, 1000, 500, 1000), (defaults.Enabled, defaults.FailureThreshold, defaults.SamplingMilliseconds, defaults.BreakMilliseconds, defaults.StallMilliseconds));
    }

    [Fact]
    public async Task The_web_process_has_one_for_its_pooled_data_source()
    {
        await using var services = Services();

        var breaker = services.GetRequiredService<DatabaseBreaker>();

        Assert.True(breaker.Enabled);
        Assert.Equal("web", breaker.Name);
    }

    [Theory]
    [InlineData(nameof(FlyCommand.Worker))]
    [InlineData(nameof(FlyCommand.Migrate))]
    [InlineData(nameof(FlyCommand.Doctor))]
    public async Task The_worker_migrate_and_doctor_have_none(string command)
    {
        await using var services = Services();
        services.GetRequiredService<FlyProcess>().Command = Enum.Parse<FlyCommand>(command);

        Assert.Same(DatabaseBreaker.Off, services.GetRequiredService<DatabaseBreaker>());
    }

    [Fact]
    public async Task FlyMpg__Breaker__Enabled_false_turns_it_off()
    {
        await using var services = Services(("FlyMpg:Breaker:Enabled", "false"));

        Assert.Same(DatabaseBreaker.Off, services.GetRequiredService<DatabaseBreaker>());
    }

    [Fact]
    public void Its_thresholds_are_read_from_the_FlyMpg_section()
    {
        var settings = new FlyPostgresSettings();
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FlyMpg:Breaker:FailureThreshold"] = "3",
                ["FlyMpg:Breaker:SamplingMilliseconds"] = "250",
                ["FlyMpg:Breaker:BreakMilliseconds"] = "2000",
            })
            .Build()
            .GetSection(FlyPostgres.SectionName)
            .Bind(settings);

        Assert.Equal((3, 250, 2000), (settings.Breaker.FailureThreshold, settings.Breaker.SamplingMilliseconds, settings.Breaker.BreakMilliseconds));
    }
}
