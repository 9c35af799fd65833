using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlyMpg.Commands;

/// <summary>
/// Lifts migrate's lock timeout for the one statement that builds, rebuilds or drops an index CONCURRENTLY (EF Core with
/// Npgsql's <c>IsCreatedConcurrently()</c>, or <c>Sql(..., suppressTransaction: true)</c>). Such a statement takes a lock
/// that reads and writes never wait behind, then waits for every older transaction to end: under a short lock_timeout a
/// transaction longer than it would cancel the build and leave an INVALID index. The statement timeout still bounds it.
/// </summary>
internal sealed partial class ConcurrentStatementInterceptor(int lockTimeoutMilliseconds) : DbCommandInterceptor
{
    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (IsConcurrent(command))
        {
            await MigrationSession.SetLockTimeoutAsync(command.Connection!, 0, cancellationToken);
        }

        return result;
    }

    public override async ValueTask<int> NonQueryExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        await RestoreAsync(command, cancellationToken);
        return result;
    }

    public override async Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default) =>
        await RestoreAsync(command, cancellationToken);

    /// <summary>A statement run outside the migration's transaction (only those can be concurrent) that starts with an index build or drop CONCURRENTLY.</summary>
    internal static bool IsConcurrent(DbCommand command) => command.Transaction is null && Concurrent().IsMatch(command.CommandText);

    private async Task RestoreAsync(DbCommand command, CancellationToken cancellationToken)
    {
        if (IsConcurrent(command))
        {
            await MigrationSession.SetLockTimeoutAsync(command.Connection!, lockTimeoutMilliseconds, cancellationToken);
        }
    }

    [GeneratedRegex(@"^\s*(CREATE\s+(UNIQUE\s+)?INDEX|DROP\s+INDEX|REINDEX\s+\w+)\s+CONCURRENTLY\b", RegexOptions.IgnoreCase)]
    private static partial Regex Concurrent();
}
