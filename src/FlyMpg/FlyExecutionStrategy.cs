using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace FlyMpg;

/// <summary>
/// EF Core's retrying strategy with <see cref="TransientRetry"/>'s rules. A context with unsaved changes is saving them:
/// when the connection broke mid-statement, the INSERT may have been applied, and running it again would write it twice,
/// so only a failure before any statement ran is retried; the client gets a 503 and retries with its idempotency key.
/// Queries, and <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> (no unsaved changes), are retried as idempotent: keep such
/// updates absolute (<c>SET done = true</c>, not <c>SET n = n + 1</c>), or run them in a write keyed like the sample's POST.
/// </summary>
internal sealed class FlyExecutionStrategy(ExecutionStrategyDependencies dependencies, int maxRetryCount)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount, TransientRetry.MaxDelay, errorCodesToAdd: null)
{
    protected override bool ShouldRetryOn(Exception? exception) => exception is not null &&
        TransientRetry.ShouldRetry(exception, idempotent: !Dependencies.CurrentContext.Context.ChangeTracker.HasChanges());

    // EF calls this just before it runs the operation again; the failure that caused it is the last one encountered.
    protected override void OnRetry()
    {
        FlyMpgMetrics.RecordRetry(ExceptionsEncountered[^1], "efcore");
        base.OnRetry();
    }
}
