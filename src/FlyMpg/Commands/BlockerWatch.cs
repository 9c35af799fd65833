using Npgsql;

namespace FlyMpg.Commands;

/// <summary>
/// Looks, every few milliseconds on a connection of its own, at what the migration's session waits for and who is in its
/// way, while one try of migrate's work runs. Once Postgres cancels the statement (lock_timeout) the wait is over and
/// <c>pg_blocking_pids</c> is empty, so the blockers are read while it lasts; the last wait seen is kept.
/// </summary>
internal sealed class BlockerWatch : IAsyncDisposable
{
    // What the session waits for and the sessions ahead of it, in one round trip (no row while it waits for nothing).
    private const string Sql = """
        SELECT w.mode, w.target, a.pid, coalesce(a.application_name, ''), coalesce(a.state, ''),
               extract(epoch FROM clock_timestamp() - a.xact_start)::float8, coalesce(a.query, ''), a.wait_event_type IS NOT DISTINCT FROM 'Lock'
        FROM (SELECT l.mode, coalesce(l.relation::regclass::text, l.locktype) AS target
              FROM pg_locks l WHERE l.pid = $1 AND NOT l.granted LIMIT 1) w
        CROSS JOIN pg_stat_activity a
        WHERE a.pid = ANY (pg_blocking_pids($1))
        ORDER BY a.xact_start NULLS LAST, a.pid
        """;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watching;
    private LockWait? _last;

    private BlockerWatch(NpgsqlDataSource dataSource, int pid, TimeSpan interval, ILogger logger) =>
        _watching = WatchAsync(dataSource, pid, interval, logger, _stop.Token);

    /// <summary>Starts watching the session <paramref name="pid"/> (the migration's connection) every <paramref name="interval"/>.</summary>
    public static BlockerWatch Start(NpgsqlDataSource dataSource, int pid, TimeSpan interval, ILogger logger) => new(dataSource, pid, interval, logger);

    /// <summary>Stops watching; the last wait seen, or null if the session never waited for a lock while watched.</summary>
    public async Task<LockWait?> StopAsync()
    {
        await _stop.CancelAsync();
        await _watching;
        return _last;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task WatchAsync(NpgsqlDataSource dataSource, int pid, TimeSpan interval, ILogger logger, CancellationToken stop)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(stop);
            await using var command = new NpgsqlCommand(Sql, connection);
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = pid });
            while (!stop.IsCancellationRequested)
            {
                _last = await SampleAsync(command, stop) ?? _last;
                await Task.Delay(interval, stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        catch (NpgsqlException e)
        {
            // Naming the blocker is a courtesy: the migration goes on without it.
            logger.LogDebug(e, "Could not watch the migration's lock waits.");
        }
    }

    private static async Task<LockWait?> SampleAsync(NpgsqlCommand command, CancellationToken stop)
    {
        await using var reader = await command.ExecuteReaderAsync(stop);
        string? mode = null, target = null;
        var blockers = new List<Blocker>();
        while (await reader.ReadAsync(stop))
        {
            mode = reader.GetString(0);
            target = reader.GetString(1);
            blockers.Add(new Blocker(
                reader.GetInt32(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : TimeSpan.FromSeconds(reader.GetDouble(5)),
                Blocker.FirstLine(reader.GetString(6)),
                reader.GetBoolean(7)));
        }

        return mode is null ? null : new LockWait(mode, target!, blockers);
    }
}
