using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace FlyMpg.Telemetry;

/// <summary>
/// Starts the metrics (<see cref="MetricsServer.Start"/>) once the app has sent its first response: on a Machine Fly has
/// just started for a request, building them would compete with that request for the CPU. Afterwards each request
/// costs this middleware one read of a flag.
/// </summary>
internal sealed class StartMetricsAfterFirstResponse(MetricsServer metrics) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (!metrics.StartRequested)
            {
                context.Response.OnCompleted(() =>
                {
                    metrics.Start();
                    return Task.CompletedTask;
                });
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}
