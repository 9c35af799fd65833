using Npgsql;

namespace FlyMpg;

/// <summary>
/// The process's Npgsql data sources, made on first use: the pooled one for the web process, the worker's
/// direct one for the worker. EF Core and raw Npgsql share the one of the process, so PgBouncer never sees
/// more clients than its pool size.
/// </summary>
internal sealed class FlyDataSources(FlyPostgresConnections connections, FlyProcess process) : IAsyncDisposable
{
    private readonly Lazy<NpgsqlDataSource> _pooled = new(() => NpgsqlDataSource.Create(connections.Pooled()));
    private readonly Lazy<NpgsqlDataSource> _worker = new(() => NpgsqlDataSource.Create(connections.Worker()));

    /// <summary>The data source of the command this process runs.</summary>
    public NpgsqlDataSource ForThisProcess => process.Command == FlyCommand.Worker ? _worker.Value : _pooled.Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in new[] { _pooled, _worker }.Where(d => d.IsValueCreated))
        {
            await dataSource.Value.DisposeAsync();
        }
    }
}
