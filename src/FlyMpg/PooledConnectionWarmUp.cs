using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace FlyMpg;

/// <summary>
/// Opens the web process's first pooled connection while the host starts, and leaves it idle in the pool. Fly wakes a
/// stopped Machine for a request: that request would otherwise wait for a new connection (TCP to PgBouncer, SCRAM
/// authentication, Npgsql's load of the database's types), which mostly waits on the network and can overlap the start.
/// A failure here is not an error: the request that needs the database reports it, and answers 503.
/// </summary>
internal sealed class PooledConnectionWarmUp(FlyProcess process, IServiceProvider services, ILogger<PooledConnectionWarmUp> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _warmUp = Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Only the web process answers a request that woke its Machine; migrate and doctor never start the host.
        if (process.Command == FlyCommand.Web)
        {
            _warmUp = Task.Run(OpenFirstConnectionAsync, CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _warmUp.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task OpenFirstConnectionAsync()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Resolved here, not in the constructor: building the data source is part of what overlaps the start.
            await using var connection = await services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(_stopping.Token);
            logger.LogDebug("Opened the first pooled connection in {ElapsedMs:F0} ms, before the first request.", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e)
        {
            logger.LogDebug("The first pooled connection was not opened ahead of the first request: {Reason}", e.Message);
        }
    }
}
