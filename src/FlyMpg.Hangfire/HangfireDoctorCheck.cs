using FlyMpg.Doctor;
using Npgsql;

namespace FlyMpg.Hangfire;

/// <summary><c>doctor</c>'s Hangfire checks, read-only over the direct connection: the schema <c>migrate</c> installs, and the workers that heartbeat.</summary>
internal sealed class HangfireDoctorCheck(FlyHangfireSettings hangfire) : IFlyDoctorCheck
{
    public async Task RunAsync(DoctorReport report, DoctorChecks probe, NpgsqlConnectionStringBuilder? direct, string app)
    {
        var (schema, servers) = direct is null ? (Finding.Skipped(FlyPostgres.DirectVariable), null) : await CheckAsync(probe, direct, app);
        report.Write("hangfire schema", schema);
        report.Write("hangfire servers", servers ?? Finding.Skip("needs the hangfire schema"));
    }

    /// <summary>Hangfire's tables (installed by <c>migrate</c>) and the servers, i.e. worker processes, that heartbeat.</summary>
    private async Task<(Finding Schema, Finding? Servers)> CheckAsync(DoctorChecks probe, NpgsqlConnectionStringBuilder settings, string app)
    {
        var schema = hangfire.Schema;
        try
        {
            await using var connection = await probe.OpenAsync(settings);
            using var step = DoctorChecks.Step();
            await using var transaction = await connection.BeginTransactionAsync(step.Token);
            await using (var readOnly = new NpgsqlCommand("SET TRANSACTION READ ONLY", connection, transaction))
            {
                await readOnly.ExecuteNonQueryAsync(step.Token);
            }

            var tables = await ScalarAsync<int>(connection, transaction, $"SELECT count(*)::int FROM pg_tables WHERE schemaname = '{schema}'", step.Token);
            if (await ScalarAsync<bool>(connection, transaction, $"SELECT to_regclass('{schema}.job') IS NULL", step.Token))
            {
                return (Finding.Warn(
                    $"no table {schema}.job: jobs can be neither enqueued nor run",
                    $"`{app} migrate` installs Hangfire's schema; `fly deploy` runs it as the release_command"), null);
            }

            var alive = await ScalarAsync<int>(connection, transaction, $"SELECT count(*)::int FROM {schema}.server WHERE lastheartbeat > now() - interval '1 minute'", step.Token);
            var registered = await ScalarAsync<int>(connection, transaction, $"SELECT count(*)::int FROM {schema}.server", step.Token);
            var waiting = await ScalarAsync<int>(connection, transaction, $"SELECT count(*)::int FROM {schema}.jobqueue WHERE fetchedat IS NULL", step.Token);
            var servers = alive > 0
                ? Finding.Pass($"{alive} heartbeating in the last minute; {waiting} job(s) waiting")
                : Finding.Warn(
                    $"none heartbeating in the last minute{(registered > 0 ? $" ({registered} stale)" : "")}; {waiting} job(s) waiting: jobs will not run",
                    "start a worker: `fly scale count worker=1`; if one runs, its log (`fly logs`) says why it stopped");
            return (Finding.Pass($"{tables} tables in schema {schema}"), servers);
        }
        catch (Exception e) when (DoctorChecks.IsDatabaseError(e))
        {
            return (Finding.Fail(DoctorChecks.Reason(e), "run doctor again; if it persists, check the cluster (`fly mpg status`)"), null);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
