using System.Net;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A running web API; disposing it stops the process.</summary>
public sealed class RunningService(RunningProcess process, Uri baseAddress, Uri metricsAddress) : IAsyncDisposable
{
    public RunningProcess Process { get; } = process;

    public HttpClient Http { get; } = new() { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>The service's metrics listener (<c>FlyMpg__Metrics__Port</c>), apart from its public port.</summary>
    public HttpClient Metrics { get; } = new() { BaseAddress = metricsAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Polls the metrics port until <c>/metrics</c> answers 200, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilMetricsServedAsync(TimeSpan timeout) =>
        await Poll.UntilAsync(
            "the metrics port to serve /metrics",
            async () =>
            {
                try
                {
                    using var response = await Metrics.GetAsync("/metrics");
                    return response.StatusCode.ToString();
                }
                catch (HttpRequestException e)
                {
                    return e.Message;
                }
            },
            answer => answer == nameof(HttpStatusCode.OK),
            timeout,
            answer => $"{answer}{Environment.NewLine}{Output}",
            TimeSpan.FromMilliseconds(50));

    /// <summary>Scrapes <c>/metrics</c> on the metrics port; fails on anything but 200.</summary>
    public async Task<PrometheusScrape> ScrapeAsync()
    {
        using var response = await Metrics.GetAsync("/metrics");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /metrics on the metrics port: {(int)response.StatusCode} {body}{Environment.NewLine}{Output}");
        return PrometheusScrape.Parse(body);
    }

    /// <summary>Output so far, for failure messages.</summary>
    public string Output => $"stdout:{Environment.NewLine}{Process.StdOut}{Environment.NewLine}stderr:{Environment.NewLine}{Process.StdErr}";

    /// <summary>Polls <paramref name="path"/> until it answers 200, the process exits, or <paramref name="timeout"/> passes.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, string path = "/readyz")
    {
        using var deadline = new CancellationTokenSource(timeout);
        string last = "no answer yet";
        while (!deadline.IsCancellationRequested)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"{Process.CommandLine} exited before {path} answered.{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(path, deadline.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(deadline.Token)}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            await Task.Delay(100, CancellationToken.None);
        }

        throw new TimeoutException($"{Process.CommandLine}: {path} did not answer 200 within {timeout} (last: {last}).{Environment.NewLine}{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Metrics.Dispose();
        await Process.DisposeAsync();
    }
}
