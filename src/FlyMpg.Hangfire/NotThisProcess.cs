using Microsoft.Extensions.Hosting;

namespace FlyMpg.Hangfire;

/// <summary>Stands in for the Hangfire server in every process but the worker.</summary>
internal sealed class NotThisProcess : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
