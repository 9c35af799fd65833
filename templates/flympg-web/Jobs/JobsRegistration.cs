using Company.Service1.Database;
using Hangfire;
using Hangfire.PostgreSql;

namespace Company.Service1.Jobs;

public static class JobsRegistration
{
    public const string Schema = "hangfire";

    /// <summary>
    /// The web process only enqueues: a short INSERT per job, through PgBouncer on its own small pool
    /// (<see cref="PostgresConnections.JobClient"/>), so web Machines spend none of the cluster's scarce direct connections on jobs.
    /// </summary>
    public static IServiceCollection AddJobClient(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = PostgresConnections.JobClient(configuration).ConnectionString;
        return services.AddHangfire(hangfire => UseStorage(hangfire, connectionString, configuration));
    }

    /// <summary>The worker process runs jobs over the direct connection (<see cref="PostgresConnections.Worker"/>).</summary>
    public static IServiceCollection AddJobServer(this IServiceCollection services, IConfiguration configuration)
    {
        var connection = PostgresConnections.Worker(configuration);
        services.AddHangfire(hangfire => UseStorage(hangfire, connection.ConnectionString, configuration));
        services.AddHangfireServer(server =>
        {
            // Every busy worker holds a connection; Hangfire's heartbeat, scheduler and expiration need the other two.
            server.WorkerCount = configuration.GetValue("Jobs:WorkerCount", Math.Max(1, connection.MaxPoolSize - 2));
            // Stop within Fly's kill_timeout (fly.toml); a job still running then is cancelled and runs again later.
            server.ShutdownTimeout = TimeSpan.FromSeconds(configuration.GetValue("Jobs:ShutdownTimeoutSeconds", 20));
            server.ServerName = configuration["FLY_MACHINE_ID"] ?? Environment.MachineName;
        });
        return services;
    }

    private static void UseStorage(IGlobalConfiguration hangfire, string connectionString, IConfiguration configuration) => hangfire
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings()
        .UsePostgreSqlStorage(storage => storage.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
        {
            SchemaName = Schema,
            // `migrate` installs and upgrades the schema (DDL), so the processes need no such rights.
            PrepareSchemaIfNecessary = false,
            // A job whose worker died (kill -9, lost Machine) runs again after this long, not after 30 minutes;
            // a running job keeps extending it.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("Jobs:InvisibilityTimeoutSeconds", 300)),
            // Poll, don't LISTEN: Hangfire.PostgreSql's long polling opens one more connection per idle worker,
            // outside this pool (measured: 10 sessions with a pool of 6). A job waits at most this long to start.
            QueuePollInterval = TimeSpan.FromSeconds(configuration.GetValue("Jobs:QueuePollIntervalSeconds", 5)),
        });
}
