using Npgsql;

namespace FlyMpg;

/// <summary>
/// The process's Npgsql data sources, made on first use: the pooled one for the web process, the worker's
/// direct one for the worker. EF Core, Hangfire and raw Npgsql share the one of the process, so neither PgBouncer
/// nor Postgres sees more clients than its pool size. A direct one for session-scoped work is made only if asked for.
/// </summary>
internal sealed class FlyDataSources(FlyPostgresConnections connections, FlyProcess process) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _pooled = new(() => NpgsqlDataSource.Create(connections.Pooled()));
    private readonly Lazy<NpgsqlDataSource> _worker = new(() => NpgsqlDataSource.Create(connections.Worker()));
    private readonly Lazy<NpgsqlDataSource> _direct = new(() => NpgsqlDataSource.Create(connections.Direct("direct")));

    /// <summary>The data source of the command this process runs.</summary>
    public NpgsqlDataSource ForThisProcess => process.Command == FlyCommand.Worker ? _worker.Value : _pooled.Value;

    /// <summary>The direct data source of this process (<see cref="FlyPostgres.DirectDataSourceKey"/>): the worker's own in the worker.</summary>
    public NpgsqlDataSource DirectForThisProcess => process.Command == FlyCommand.Worker ? _worker.Value : _direct.Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in new[] { _pooled, _worker, _direct }.Where(d => d.IsValueCreated))
        {
            await dataSource.Value.DisposeAsync();
        }
    }
}
