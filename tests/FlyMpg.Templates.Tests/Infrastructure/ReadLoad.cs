using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Reads at a steady rate against a running service, as its users keep arriving whatever it answers: GET
/// <c>path(i)</c> is due every 1/<c>requestsPerSecond</c>, sent over at most <c>connections</c> connections, and its
/// latency counts from when it was due, so a request that waited for a free connection or for the database counts all of
/// it (a stalled service is not hidden by clients that stop asking). Every answer is kept; anything but 200 is a failure.
/// </summary>
public sealed class ReadLoad : IDisposable
{
    private readonly HttpClient _http;
    private readonly int _requestsPerSecond;
    private readonly Func<int, string> _path;
    private readonly ConcurrentQueue<WriteAnswer> _answers = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ReadLoad(Uri baseAddress, int connections, int requestsPerSecond, Func<int, string> path)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(connections);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(requestsPerSecond);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = baseAddress, Timeout = Timeout.InfiniteTimeSpan };
        _requestsPerSecond = requestsPerSecond;
        _path = path;
    }

    /// <summary>Time since the load was made, the clock of every figure it keeps.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Every request answered (or given up on) so far, with when it was due and answered; a null status had no answer.</summary>
    public IReadOnlyCollection<WriteAnswer> Answers => _answers;

    /// <summary>Each request that did not answer 200: when, and what it got instead.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>
    /// Sends requests until <paramref name="stop"/> is cancelled, then waits for those in flight; each waits at most
    /// <paramref name="requestTimeout"/> (a longer one is a hang, counted as a failure).
    /// </summary>
    public async Task RunAsync(TimeSpan requestTimeout, CancellationToken stop)
    {
        var started = Now;
        var inFlight = new List<Task>();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var due = started + TimeSpan.FromSeconds((double)i / _requestsPerSecond);
            if (due > Now)
            {
                try
                {
                    await Task.Delay(due - Now, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            inFlight.Add(ReadAsync(_path(i), due, requestTimeout));
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>The latencies of the requests due from <paramref name="from"/> to <paramref name="to"/> (on <see cref="Now"/>'s clock).</summary>
    public Latencies Between(TimeSpan from, TimeSpan to) =>
        new(_answers.Where(a => a.Sent >= from && a.Sent <= to).Select(a => a.Latency));

    /// <summary>The requests due from <paramref name="from"/> to <paramref name="to"/> that did not answer 200.</summary>
    public int FailedBetween(TimeSpan from, TimeSpan to) =>
        _answers.Count(a => a.Sent >= from && a.Sent <= to && a.Status != HttpStatusCode.OK);

    /// <summary>What a failure message needs: the counts, the first failures and when the slowest requests were due.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{_answers.Count} requests, {_failures.Count} failed{(_failures.IsEmpty ? "" : ": " + string.Join("; ", _failures.Take(5)))}; slowest: ")
        + string.Join(", ", _answers.OrderByDescending(a => a.Latency).Take(3).Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Latency.TotalMilliseconds:F0} ms (due at {a.Sent.TotalSeconds:F1} s)")));

    public void Dispose() => _http.Dispose();

    private async Task ReadAsync(string path, TimeSpan due, TimeSpan requestTimeout)
    {
        // Off the sending loop's thread, so a slow answer never delays the next request's departure.
        await Task.Yield();
        using var deadline = new CancellationTokenSource(requestTimeout);
        HttpStatusCode? status = null;
        try
        {
            using var response = await _http.GetAsync(path, deadline.Token);
            status = response.StatusCode;
            if (status != HttpStatusCode.OK)
            {
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                _failures.Enqueue(string.Create(CultureInfo.InvariantCulture, $"{(int)response.StatusCode} for {path} at {Now.TotalSeconds:F1} s: {body}"));
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _failures.Enqueue(string.Create(CultureInfo.InvariantCulture, $"no answer for {path} at {Now.TotalSeconds:F1} s: {(deadline.IsCancellationRequested ? $"nothing within {requestTimeout.TotalSeconds:0} s" : e.GetBaseException().Message)}"));
        }

        _answers.Enqueue(new WriteAnswer(due, Now, status));
    }
}
