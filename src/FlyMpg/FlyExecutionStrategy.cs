using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace FlyMpg;

/// <summary>
/// EF Core's retrying strategy with <see cref="TransientRetry"/>'s rules. A context with unsaved changes is saving them:
/// when the connection broke mid-statement, the INSERT may have been applied, and running it again would write it twice,
/// so only a failure before any statement ran is retried; the client gets a 503 and retries with its idempotency key.
/// Queries, and <c>ExecuteUpdate</c>/<c>ExecuteDelete</c> (no unsaved changes), are retried as idempotent: keep such
/// updates absolute (<c>SET done = true</c>, not <c>SET n = n + 1</c>), or run them in a write keyed like the sample's POST.
/// Each try goes through the data source's <see cref="DatabaseBreaker"/>: while the database is known to be down, none is
/// made, and none is retried.
/// </summary>
internal sealed class FlyExecutionStrategy(ExecutionStrategyDependencies dependencies, int maxRetryCount, DatabaseBreaker breaker)
    : NpgsqlRetryingExecutionStrategy(dependencies, maxRetryCount, TransientRetry.MaxDelay, errorCodesToAdd: null)
{
    // EF runs an operation nested in another one (SaveChanges inside a user's ExecuteAsync) without its own tries:
    // the outer try went through the breaker already.
    public override TResult Execute<TState, TResult>(TState state, Func<DbContext, TState, TResult> operation, Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded) =>
        !breaker.Enabled || Current is not null
            ? base.Execute(state, operation, verifySucceeded)
            : base.Execute(state, (context, s) => breaker.Run(() => operation(context, s)), verifySucceeded);

    public override Task<TResult> ExecuteAsync<TState, TResult>(
        TState state,
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded,
        CancellationToken cancellationToken = default) =>
        !breaker.Enabled || Current is not null
            ? base.ExecuteAsync(state, operation, verifySucceeded, cancellationToken)
            : base.ExecuteAsync(state, (context, s, token) => breaker.RunAsync(() => operation(context, s, token)), verifySucceeded, cancellationToken);

    // Not once the breaker is open: the next try would be refused anyway, after the retry's wait.
    protected override bool ShouldRetryOn(Exception? exception) => exception is not null && breaker.State == BreakerState.Closed &&
        TransientRetry.ShouldRetry(exception, idempotent: !Dependencies.CurrentContext.Context.ChangeTracker.HasChanges());

    // EF calls this just before it runs the operation again; the failure that caused it is the last one encountered.
    protected override void OnRetry()
    {
        FlyMpgMetrics.RecordRetry(ExceptionsEncountered[^1], "efcore");
        base.OnRetry();
    }
}
