using System.Collections.Concurrent;
using FlyMpg.Templates.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// A connection that breaks mid-INSERT leaves the INSERT's outcome unknown: it may have been committed. Here PgBouncer
/// stalls with INSERTs in flight (SIGSTOP), so Postgres commits INSERTs whose answers it never relays, then dies
/// (SIGKILL, a lost pooler Machine) and starts again on its port. EF Core's stock retrying strategy with PgBouncer's
/// <c>08P01</c> added, as services usually configure it, runs those INSERTs again and writes rows twice; FlyMpg's
/// strategy, under the same load and the same faults, never does (the request gets a 503; a client retries with its key).
/// </summary>
[Collection("mpg")]
public sealed class WriteRetryTests(MpgStandIn mpg, ITestOutputHelper output)
{
    private const int Writers = 32;
    private const int MaxFaults = 12;

    [Fact]
    public async Task EF_Core_stock_retries_write_rows_twice_when_PgBouncer_dies_with_INSERTs_in_flight()
    {
        var (pooler, database) = await PrepareAsync("spec_retry_stock");
        await using var dataSource = NpgsqlDataSource.Create(ServiceConnections(pooler, database).Pooled());
        await using var services = new ServiceCollection()
            .AddDbContext<WriteContext>(options => options.UseNpgsql(
                dataSource, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromSeconds(2), [PostgresErrorCodes.ProtocolViolation])))
            .BuildServiceProvider();

        var run = await WriteUnderFaultsAsync(pooler, database, services, stopAtFirstDuplicate: true);

        output.WriteLine($"stock EF retries + 08P01: {run}");
        Assert.True(run.Duplicates > 0, $"No row was written twice in {MaxFaults} pooler deaths: the trap was not sprung. {run}");
    }

    [Fact]
    public async Task FlyMpg_retries_write_each_row_at_most_once_under_the_same_faults()
    {
        var (pooler, database) = await PrepareAsync("spec_retry_flympg");
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["DATABASE_URL"] = pooler.UrlFor(database.Name), ["FLY_APP_NAME"] = "spec-retry" });
        builder.AddFlyPostgres<WriteContext>();
        await using var services = builder.Services.BuildServiceProvider();

        var run = await WriteUnderFaultsAsync(pooler, database, services, stopAtFirstDuplicate: false);

        output.WriteLine($"FlyMpg: {run}");
        Assert.True(run.CutOff > 0, $"No write failed: the faults did not land mid-INSERT. {run}");
        Assert.True(run.Duplicates == 0 && run.Lost == 0, run.ToString());
    }

    private async Task<(PgBouncerPooler Pooler, FreshDatabase Database)> PrepareAsync(string name)
    {
        var database = await mpg.CreateFreshDatabaseAsync(name);
        await using (var direct = mpg.CreateDirectDataSource(database.Name))
        {
            // Each INSERT spends 20 ms in Postgres (a trigger), as a write does where the database is a network hop
            // away: when the pooler stalls, the INSERTs it already sent are still running, so Postgres commits them
            // and their answers are lost. On loopback that window is microseconds, and on a busy host 12 faults
            // could all miss it (seen once: 0 writes cut off, 0 rows twice).
            await using var create = direct.CreateCommand("""
                CREATE TABLE rows (id serial PRIMARY KEY, title text NOT NULL);
                CREATE FUNCTION rows_take_time() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.02); RETURN NEW; END $$;
                CREATE TRIGGER rows_take_time BEFORE INSERT ON rows FOR EACH ROW EXECUTE FUNCTION rows_take_time();
                """);
            await create.ExecuteNonQueryAsync();
        }

        return (await mpg.AddPoolerAsync(mpg.DefaultPolicyIni), database);
    }

    private static FlyPostgresConnections ServiceConnections(PgBouncerPooler pooler, FreshDatabase database) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DATABASE_URL"] = pooler.UrlFor(database.Name) }).Build(), new FlyPostgresSettings());

    // Writers insert rows with unique titles while the pooler dies with INSERTs in flight once a second, up to
    // MaxFaults times; then the table is compared with what SaveChanges acknowledged.
    private async Task<RetryRun> WriteUnderFaultsAsync(PgBouncerPooler pooler, FreshDatabase database, IServiceProvider services, bool stopAtFirstDuplicate)
    {
        var acknowledged = new ConcurrentBag<string>();
        var cutOff = 0;
        var refused = 0;
        var sequence = 0;
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var title = $"row {Interlocked.Increment(ref sequence)}";
                await using var scope = services.CreateAsyncScope();
                var context = scope.ServiceProvider.GetRequiredService<WriteContext>();
                context.Rows.Add(new WriteRow { Title = title });
                try
                {
                    await context.SaveChangesAsync();
                    acknowledged.Add(title);
                }
                catch (DatabaseUnavailableException e)
                {
                    // FlyMpg's breaker, open after the pooler's death: not sent. A client waits as Retry-After says.
                    Interlocked.Increment(ref refused);
                    await Task.Delay(e.RetryAfter);
                }
                catch (Exception e) when (e is DbUpdateException or RetryLimitExceededException or NpgsqlException or InvalidOperationException)
                {
                    Interlocked.Increment(ref cutOff);
                }
            }
        })).ToList();

        var faults = 0;
        var duplicates = 0;
        try
        {
            while (faults < MaxFaults && !(stopAtFirstDuplicate && duplicates > 0))
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
                var pid = int.Parse(File.ReadAllText(pooler.PidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                Signals.Stop(pid);
                await Task.Delay(TimeSpan.FromMilliseconds(200)); // Postgres finishes what PgBouncer sent before it stalled
                Signals.KillHard(pid);
                await mpg.FaultAsync("pooler-restart", pooler);
                faults++;
                duplicates = (await mpg.CountRowsByTitleAsync(database, "rows")).Values.Sum(count => count - 1);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        }

        var rows = await mpg.CountRowsByTitleAsync(database, "rows");
        return new RetryRun(faults, acknowledged.Count, cutOff, refused, rows.Values.Sum(count => count - 1), acknowledged.Count(title => !rows.ContainsKey(title)));
    }

    private sealed record RetryRun(int Faults, int Acknowledged, int CutOff, int Refused, int Duplicates, int Lost)
    {
        public override string ToString() =>
            $"{Faults} pooler deaths under {Writers} writers: {Acknowledged} rows acknowledged, {CutOff} writes failed, {Refused} refused by the breaker, {Duplicates} rows written twice, {Lost} acknowledged rows missing";
    }
}
