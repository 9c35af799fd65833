using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Concurrent load for the end-to-end specs: SQL commands through an <see cref="NpgsqlDataSource"/>
/// (each on its own pooled connection, as a web request would) and HTTP bursts against a running service.
/// Nothing here throws for a failed command: every outcome is counted, so a spec can say how many failed and why.
/// </summary>
public static class Load
{
    /// <summary>
    /// Four statements of one shape (one int in, one int out), so a statement bound on the wrong backend
    /// does not fail on a type mismatch but answers; each answer is checked against <c>Expected</c>.
    /// Mixed, so named (auto-)prepared statements get several names (<c>_auto0</c>.., <c>_p1</c>..).
    /// </summary>
    public static readonly IReadOnlyList<(string Sql, Func<int, long> Expected)> MixedStatements =
    [
        ("SELECT $1::int + 1", i => i + 1L),
        ("SELECT $1::int * 2", i => i * 2L),
        ("SELECT $1::int - 3", i => i - 3L),
        ("SELECT $1::int + 1000", i => i + 1000L),
    ];

    /// <summary>
    /// <paramref name="clients"/> concurrent clients share <paramref name="commands"/> commands of
    /// <see cref="MixedStatements"/>; each command opens a connection from the data source's pool, runs
    /// (after <see cref="NpgsqlCommand.PrepareAsync"/> when <paramref name="prepare"/>) and checks its answer.
    /// </summary>
    public static async Task<LoadOutcome> MixedStatementsAsync(NpgsqlDataSource dataSource, int clients, int commands, bool prepare = false)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var outcome = new LoadOutcome();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            for (var i = client; i < commands; i += clients)
            {
                var (sql, expected) = MixedStatements[i % MixedStatements.Count];
                try
                {
                    await using var connection = await dataSource.OpenConnectionAsync();
                    await using var command = new NpgsqlCommand(sql, connection);
                    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = i });
                    if (prepare)
                    {
                        await command.PrepareAsync();
                    }

                    var value = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
                    outcome.Record(value == expected(i));
                }
                catch (NpgsqlException e)
                {
                    outcome.Record(e);
                }
            }
        }))).ConfigureAwait(false);
        outcome.Elapsed = watch.Elapsed;
        return outcome;
    }

    /// <summary><paramref name="commands"/> concurrent <c>SELECT 1</c>, each on a connection of its own from the pool.</summary>
    public static async Task<LoadOutcome> BurstAsync(NpgsqlDataSource dataSource, int commands)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var outcome = new LoadOutcome();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, commands).Select(_ => Task.Run(async () =>
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                outcome.Record(Equals(await command.ExecuteScalarAsync(), 1));
            }
            catch (NpgsqlException e)
            {
                outcome.Record(e);
            }
        }))).ConfigureAwait(false);
        outcome.Elapsed = watch.Elapsed;
        return outcome;
    }

    /// <summary>Sends <paramref name="requests"/> requests at once (request <c>i</c> made by <paramref name="request"/>) and counts the answers.</summary>
    public static async Task<HttpBurstOutcome> HttpBurstAsync(HttpClient http, int requests, Func<int, HttpRequestMessage> request)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        var outcome = new HttpBurstOutcome();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, requests).Select(i => Task.Run(async () =>
        {
            try
            {
                using var message = request(i);
                using var response = await http.SendAsync(message).ConfigureAwait(false);
                outcome.Record(response.StatusCode);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                outcome.Record(e);
            }
        }))).ConfigureAwait(false);
        outcome.Elapsed = watch.Elapsed;
        return outcome;
    }
}
