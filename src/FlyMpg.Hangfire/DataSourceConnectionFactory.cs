using global::Hangfire.PostgreSql;
using Npgsql;

namespace FlyMpg.Hangfire;

/// <summary>Hands Hangfire connections from a data source the process already has, so they count against its pool.</summary>
internal sealed class DataSourceConnectionFactory(NpgsqlDataSource dataSource) : IConnectionFactory
{
    public NpgsqlConnection GetOrCreateConnection() => dataSource.CreateConnection();
}
