using FlyMpg.Doctor;
using global::Hangfire;
using global::Hangfire.PostgreSql;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace FlyMpg.Hangfire;

/// <summary>Registers Hangfire the way it runs on Fly Managed Postgres.</summary>
public static class FlyHangfireExtensions
{
    /// <summary>
    /// Adds Hangfire on the connections of <see cref="FlyPostgresExtensions.AddFlyPostgres{TContext}(Microsoft.Extensions.Hosting.IHostApplicationBuilder, Action{FlyPostgresSettings}?)"/> (call that first): the web
    /// process enqueues through PgBouncer on a small pool of its own; <c>dotnet App.dll worker</c> runs the jobs over
    /// <c>DIRECT_DATABASE_URL</c> and serves the dashboard at <c>/jobs</c>; <c>migrate</c> installs the schema; <c>doctor</c>
    /// checks the schema and the workers' heartbeats. Settings come from <c>FlyMpg:Hangfire</c>, then <paramref name="configureSettings"/>.
    /// </summary>
    public static IHostApplicationBuilder AddFlyHangfire(this IHostApplicationBuilder builder, Action<FlyHangfireSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = new FlyHangfireSettings();
        builder.Configuration.GetSection($"{FlyPostgres.SectionName}:Hangfire").Bind(settings);
        configureSettings?.Invoke(settings);
        if (settings.JobClientMaxPoolSize is < 1 or > 1000)
        {
            throw new DatabaseConfigurationException($"{FlyPostgres.SectionName}:Hangfire:JobClientMaxPoolSize", $"is {settings.JobClientMaxPoolSize}; it must be a whole number from 1 to 1000");
        }

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton<DashboardAuthorization>();
        services.AddSingleton(new FlyWorker("Hangfire", app => app.MapHangfireDashboard("/jobs", new DashboardOptions
        {
            Authorization = [app.Services.GetRequiredService<DashboardAuthorization>()],
        })));
        services.AddSingleton<IFlyMigrateStep, HangfireSchemaStep>();
        services.AddSingleton<IFlyDoctorCheck, HangfireDoctorCheck>();
        services.AddSingleton(new PoolInBudget("job client", BudgetScope.PerWebMachine, "FlyMpg__Hangfire__JobClientMaxPoolSize", c => JobClient(c, settings)));

        services.AddHangfire((provider, hangfire) => UseStorage(hangfire, settings, storage =>
        {
            if (IsWorker(provider))
            {
                // The jobs' DbContext and Hangfire share the worker's one data source: one pool of Worker:MaxPoolSize
                // (two pools of that size would hold up to twice the direct connections the budget counts).
                storage.UseConnectionFactory(new DataSourceConnectionFactory(provider.GetRequiredService<FlyDataSources>().ForThisProcess));
            }
            else
            {
                // A pool of its own, named so its metrics are told apart from the web pool's.
                var connections = provider.GetRequiredService<FlyPostgresConnections>();
                storage.UseConnectionFactory(new DataSourceConnectionFactory(
                    provider.GetRequiredService<FlyDataSources>().Named(JobClientPoolName, () => JobClient(connections, settings))));
            }
        }));

        // The server runs only in the worker: one host is built for every command, so Hangfire's own hosted
        // service is made by Hangfire and started only when this process is the worker.
        var server = new ServiceCollection().AddHangfireServer((provider, server) =>
        {
            var worker = provider.GetRequiredService<FlyPostgresConnections>().Worker();
            server.WorkerCount = settings.WorkerCount ?? Math.Max(1, worker.MaxPoolSize - 2);
            server.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownTimeoutSeconds);
            server.ServerName = provider.GetRequiredService<IConfiguration>()["FLY_MACHINE_ID"] ?? Environment.MachineName;
        }).Single();
        services.AddTransient<IHostedService>(provider => IsWorker(provider) ? (IHostedService)server.ImplementationFactory!(provider) : new NotThisProcess());

        // Let the worker finish or hand back running jobs before the host gives up, within fly.toml's kill_timeout
        // (the host reads this when it is built, before it knows its command: the web process gets it too).
        services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(settings.ShutdownTimeoutSeconds + 5));
        return builder;
    }

    // The job client's Npgsql data source name (db.client.connection.pool.name in its metrics).
    private const string JobClientPoolName = "job-client";

    private static bool IsWorker(IServiceProvider provider) => provider.GetRequiredService<FlyProcess>().Command == FlyCommand.Worker;

    private static Npgsql.NpgsqlConnectionStringBuilder JobClient(FlyPostgresConnections connections, FlyHangfireSettings settings)
    {
        var builder = connections.Pooled();
        builder.MaxPoolSize = settings.JobClientMaxPoolSize;
        return builder;
    }

    private static void UseStorage(IGlobalConfiguration hangfire, FlyHangfireSettings settings, Action<PostgreSqlBootstrapperOptions> connect) => hangfire
        .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
        .UseSimpleAssemblyNameTypeSerializer()
        .UseRecommendedSerializerSettings()
        .UsePostgreSqlStorage(connect, new PostgreSqlStorageOptions
        {
            SchemaName = settings.Schema,
            // `migrate` installs and upgrades the schema (DDL), so the processes need no such rights.
            PrepareSchemaIfNecessary = false,
            // A job whose worker died runs again after this long, not after 30 minutes; a running job keeps extending it.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromSeconds(settings.InvisibilityTimeoutSeconds),
            // Poll, don't LISTEN (see FlyHangfireSettings.QueuePollIntervalSeconds).
            QueuePollInterval = TimeSpan.FromSeconds(settings.QueuePollIntervalSeconds),
        });
}
