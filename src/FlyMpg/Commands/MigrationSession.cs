using System.Data.Common;
using System.Globalization;

namespace FlyMpg.Commands;

/// <summary>The session settings of migrate's connection: every statement EF Core or a step runs on it gets them.</summary>
internal static class MigrationSession
{
    /// <summary>Sets <c>lock_timeout</c> and <c>statement_timeout</c> for the rest of the session (0: no limit, as in Postgres).</summary>
    public static Task SetTimeoutsAsync(DbConnection connection, MigrateSettings settings, CancellationToken cancellationToken) =>
        ExecuteAsync(
            connection,
            string.Create(CultureInfo.InvariantCulture, $"SET lock_timeout = {settings.LockTimeoutMilliseconds}; SET statement_timeout = {settings.StatementTimeoutSeconds * 1000L}"),
            cancellationToken);

    /// <summary>Sets <c>lock_timeout</c> alone, in milliseconds.</summary>
    public static Task SetLockTimeoutAsync(DbConnection connection, int milliseconds, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, string.Create(CultureInfo.InvariantCulture, $"SET lock_timeout = {milliseconds}"), cancellationToken);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
