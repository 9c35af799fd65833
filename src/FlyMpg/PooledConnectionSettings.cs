namespace FlyMpg;

/// <summary>The pooled connection's settings (section <c>FlyMpg:Pooled</c>); the reason for each default is in <see cref="FlyPostgresConnections"/>.</summary>
public sealed class PooledConnectionSettings
{
    /// <summary>Connections per Machine, each a PgBouncer client (the Basic plan allows 200 per cluster). Default 8.</summary>
    public int MaxPoolSize { get; set; } = 8;

    /// <summary>Seconds an idle connection is kept; below the pooler's idle timeout. Default 300.</summary>
    public int ConnectionIdleLifetime { get; set; } = 300;

    /// <summary>Seconds before a connection is replaced, as Fly recommends. Default 600.</summary>
    public int ConnectionLifetime { get; set; } = 600;

    /// <summary>Seconds a command may run. Default 15, as in Fly's guide.</summary>
    public int CommandTimeout { get; set; } = 15;
}
