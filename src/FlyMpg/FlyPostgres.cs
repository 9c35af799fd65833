namespace FlyMpg;

/// <summary>The names FlyMpg shares with Fly and with the service: the variables Fly sets and the configuration section.</summary>
public static class FlyPostgres
{
    /// <summary>The pooled URL, through PgBouncer: app traffic. <c>fly mpg attach</c> sets it.</summary>
    public const string PooledVariable = "DATABASE_URL";

    /// <summary>The direct URL, to Postgres itself: <c>migrate</c>, the worker and doctor. Set it with <c>fly secrets set</c>.</summary>
    public const string DirectVariable = "DIRECT_DATABASE_URL";

    /// <summary>
    /// The key of the direct <see cref="Npgsql.NpgsqlDataSource"/> (<c>[FromKeyedServices(FlyPostgres.DirectDataSourceKey)]</c>),
    /// for work that needs a session of its own: LISTEN, session advisory locks, prepared statements. It is made on
    /// first use, with <c>Direct:MaxPoolSize</c> connections per Machine outside the pooler; in the worker it is the
    /// worker's data source. The FlyMpg analyzers do not report session-scoped SQL on it.
    /// </summary>
    public const string DirectDataSourceKey = "flympg:direct";

    /// <summary>The configuration section of <see cref="FlyPostgresSettings"/>, e.g. <c>FlyMpg__Pooled__MaxPoolSize=12</c>.</summary>
    public const string SectionName = "FlyMpg";

    /// <summary>
    /// The <see cref="System.Diagnostics.Metrics.Meter"/> of FlyMpg's own instruments: <c>flympg.retries</c> (by <c>error.type</c>,
    /// the SQLSTATE, and <c>flympg.retry.by</c>), <c>flympg.unavailable_responses</c> (requests answered 503, by
    /// <c>flympg.reason</c>), and the breaker's <c>flympg.breaker.state</c> gauge and <c>flympg.breaker.transitions</c> (by
    /// <c>flympg.breaker.state</c>), both by <c>db.client.connection.pool.name</c>. FlyMpg.Telemetry's <c>AddFlyTelemetry()</c>
    /// publishes it; any other metrics stack can listen to it by this name.
    /// </summary>
    public const string MeterName = "FlyMpg";
}
