using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
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

/// <summary>What a load run got: answers (right or wrong) and failures by SQLSTATE.</summary>
public sealed class LoadOutcome
{
    private readonly ConcurrentQueue<string> _failures = new();
    private int _ok;
    private int _wrong;

    /// <summary>Commands that answered, rightly or not.</summary>
    public int Ok => _ok;

    /// <summary>Commands that answered without an error, but with another statement's result.</summary>
    public int WrongResults => _wrong;

    /// <summary>One entry per failed command: the SQLSTATE (plus the PgBouncer reason for 08P01) or the exception type and message.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Commands that failed or answered wrongly.</summary>
    public int Broken => _failures.Count + _wrong;

    public TimeSpan Elapsed { get; set; }

    public void Record(bool correct)
    {
        Interlocked.Increment(ref _ok);
        if (!correct)
        {
            Interlocked.Increment(ref _wrong);
        }
    }

    public void Record(NpgsqlException e) => _failures.Enqueue(e switch
    {
        PostgresException { SqlState: "08P01" } p => $"08P01 {p.MessageText}",
        PostgresException p => p.SqlState,
        _ => $"{e.GetType().Name}: {e.Message}",
    });

    public override string ToString() =>
        $"{_ok} ok ({_wrong} with a wrong answer), {_failures.Count} failed in {Elapsed.TotalSeconds:0.00} s"
        + (_failures.IsEmpty ? "" : ": " + string.Join(", ", _failures.GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} x {g.Key}")));
}

/// <summary>What an HTTP burst got: status codes, and transport failures.</summary>
public sealed class HttpBurstOutcome
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<int> Statuses => _statuses;

    /// <summary>Requests that got no answer (connection refused, timeout).</summary>
    public IReadOnlyCollection<string> TransportErrors => _errors;

    public int Successful => _statuses.Count(s => s is >= 200 and < 300);

    /// <summary>Requests answered with a non-2xx status or not answered at all.</summary>
    public int Failed => _statuses.Count(s => s is < 200 or >= 300) + _errors.Count;

    public TimeSpan Elapsed { get; set; }

    public void Record(HttpStatusCode status) => _statuses.Enqueue((int)status);

    public void Record(Exception e) => _errors.Enqueue($"{e.GetType().Name}: {e.Message}");

    public override string ToString() =>
        $"{Successful} of {_statuses.Count + _errors.Count} 2xx in {Elapsed.TotalSeconds:0.00} s; statuses: "
        + string.Join(", ", _statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key}"))
        + (_errors.IsEmpty ? "" : "; no answer: " + string.Join(", ", _errors.GroupBy(e => e).Select(g => $"{g.Count()} x {g.Key}")));
}

/// <summary>Bounded polling: instead of sleeping for a guessed time, ask until the answer is the one awaited.</summary>
public static class Poll
{
    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> (default 100 ms) until <paramref name="done"/>
    /// holds for its answer, and returns that answer. After <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last answer as <paramref name="describe"/> renders it
    /// (mask passwords there).
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        Func<T, string>? describe = null,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Waited {timeout.TotalSeconds:0.#} s for {what}; last seen: {(describe ?? (v => v?.ToString() ?? "null"))(value)}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }
}
