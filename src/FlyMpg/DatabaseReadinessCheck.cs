using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// <c>/readyz</c>: one <c>SELECT 1</c> on the process's data source, not retried and given up after <see cref="Timeout"/>, so
/// a database outage reads as 503 in seconds (EF's check retried for about 20 s first). Given up, not only cancelled:
/// Npgsql waits for a cancelled command's answer for 2 s more. It goes through the data source's breaker: while the
/// database is known to be down it says 503 at once, without a query; once the break is over it may be the probe.
/// </summary>
internal sealed class DatabaseReadinessCheck(NpgsqlDataSource dataSource, DatabaseBreaker breaker) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        BreakerAttempt attempt;
        try
        {
            attempt = breaker.Enter();
        }
        catch (DatabaseUnavailableException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }

        try
        {
            await SelectOneAsync(cancellationToken).WaitAsync(Timeout, cancellationToken);
            breaker.Succeeded(attempt);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            breaker.Failed(attempt, e);
            return HealthCheckResult.Unhealthy(e is NpgsqlException ? e.Message : $"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (Exception e)
        {
            breaker.Failed(attempt, e);
            throw;
        }
    }

    // Owns its command and deadline: when the check gives up, this finishes in the background.
    private async Task SelectOneAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Timeout);
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(deadline.Token);
    }
}
