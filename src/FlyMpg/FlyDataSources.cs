using System.Collections.Concurrent;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// The process's Npgsql data sources, made on first use: the pooled one for the web process, the worker's
/// direct one for the worker. EF Core, Hangfire and raw Npgsql share the one of the process, so neither PgBouncer
/// nor Postgres sees more clients than its pool size. A direct one for session-scoped work is made only if asked for.
/// Each has a name (<see cref="PooledName"/>, <see cref="WorkerName"/>, <see cref="DirectName"/>, or one given to
/// <see cref="Named"/>): Npgsql tags its pool metrics and traces with it (<c>db.client.connection.pool.name</c>),
/// so each pool is told apart; unnamed, Npgsql would use the connection string, host and user included.
/// </summary>
internal sealed class FlyDataSources(FlyPostgresConnections connections, FlyProcess process) : IAsyncDisposable
{
    /// <summary>The web process's pool through PgBouncer (<c>DATABASE_URL</c>).</summary>
    public const string PooledName = "web";

    /// <summary>The worker process's direct pool.</summary>
    public const string WorkerName = "worker";

    /// <summary>The direct pool of <c>migrate</c>: its migrations, session lock and the service's own steps.</summary>
    public const string MigrateName = "migrate";

    /// <summary>The direct pool for session-scoped work (<see cref="FlyPostgres.DirectDataSourceKey"/>) in the web process.</summary>
    public const string DirectName = "direct";

    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _dataSources = new();

    /// <summary>The data source of the command this process runs: in <c>migrate</c>, the direct one its steps share.</summary>
    public NpgsqlDataSource ForThisProcess => process.Command switch
    {
        FlyCommand.Worker => Named(WorkerName, connections.Worker),
        FlyCommand.Migrate => Named(MigrateName, connections.Migrate),
        _ => Named(PooledName, () => connections.Pooled()),
    };

    /// <summary>The direct data source of this process (<see cref="FlyPostgres.DirectDataSourceKey"/>): the worker's own in the worker.</summary>
    public NpgsqlDataSource DirectForThisProcess => process.Command == FlyCommand.Worker
        ? Named(WorkerName, connections.Worker)
        : Named(DirectName, () => connections.Direct(DirectName));

    /// <summary>The data source called <paramref name="name"/>, made from <paramref name="connection"/> on first use and disposed with the others.</summary>
    public NpgsqlDataSource Named(string name, Func<NpgsqlConnectionStringBuilder> connection) =>
        _dataSources.GetOrAdd(name, _ => new Lazy<NpgsqlDataSource>(() => Create(name, connection()))).Value;

    /// <summary>A data source called <paramref name="name"/> over <paramref name="connection"/>, owned by the caller.</summary>
    public static NpgsqlDataSource Create(string name, NpgsqlConnectionStringBuilder connection) =>
        new NpgsqlDataSourceBuilder(connection.ConnectionString) { Name = name }.Build();

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _dataSources.Values.Where(d => d.IsValueCreated))
        {
            await dataSource.Value.DisposeAsync();
        }
    }
}
