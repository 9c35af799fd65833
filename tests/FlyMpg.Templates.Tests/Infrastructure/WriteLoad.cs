using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Concurrent POST /todos against a running service while a test injects a fault, recording every answer: as a
/// careful client would, half the clients send an <c>Idempotency-Key</c> and retry a 503 with the same key until
/// answered; the other half send none and never retry (a retry without a key could write twice). Every title is
/// unique, so the table afterwards tells lost acknowledged writes and duplicates apart.
/// </summary>
public sealed class WriteLoad(HttpClient http, int clients)
{
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<string, int> _acknowledged = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentQueue<string> _unanswered = new();
    private readonly ConcurrentQueue<WriteAnswer> _answers = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _unavailable;
    private int _serverErrors;
    private int _sequence;

    /// <summary>Time since the load was made, the clock of every other figure.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>Runs until <paramref name="stop"/> is cancelled; each request waits at most <paramref name="requestTimeout"/> (a longer one is a hang).</summary>
    public Task RunAsync(TimeSpan requestTimeout, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => ClientAsync(client, keyed: client % 2 == 0, requestTimeout, stop))));

    /// <summary>Every request sent so far, retries included, in the order they were answered.</summary>
    public IReadOnlyCollection<WriteAnswer> Answers => _answers;

    /// <summary>When the service first answered 201 at or after <paramref name="since"/>, counted from then; null if never.</summary>
    public TimeSpan? FirstWriteAfter(TimeSpan since) =>
        _answers.Where(a => a.Status == HttpStatusCode.Created && a.Answered >= since).Select(a => (TimeSpan?)(a.Answered - since)).Min();

    /// <summary>Checks every acknowledged write against the table <paramref name="readTitles"/> returns (title → rows).</summary>
    public async Task<WriteLoadOutcome> CheckAsync(Func<Task<IReadOnlyDictionary<string, int>>> readTitles)
    {
        var rows = await readTitles();
        return new WriteLoadOutcome(
            Acknowledged: _acknowledged.Count,
            Lost: _acknowledged.Keys.Count(title => !rows.ContainsKey(title)),
            Duplicates: rows.Values.Sum(count => count - 1),
            Unavailable: _unavailable,
            ServerErrors: _serverErrors,
            OtherFailures: _failures.ToArray(),
            UnansweredApplied: _unanswered.Count(rows.ContainsKey),
            Slowest: _answers.Select(a => a.Latency).DefaultIfEmpty().Max());
    }

    private async Task ClientAsync(int client, bool keyed, TimeSpan requestTimeout, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var title = $"load {client}.{Interlocked.Increment(ref _sequence)}";
            var key = keyed ? Guid.NewGuid().ToString("N") : null;
            do
            {
                var started = Now;
                var (status, reason) = await PostAsync(title, key, requestTimeout);
                if (status is null)
                {
                    _unanswered.Enqueue(title);
                }

                _answers.Enqueue(new WriteAnswer(started, Now, status, reason));
                if (status == HttpStatusCode.Created)
                {
                    _acknowledged[title] = client;
                    break;
                }

                if (status == HttpStatusCode.ServiceUnavailable)
                {
                    Interlocked.Increment(ref _unavailable);
                    await Task.Delay(RetryPause, CancellationToken.None);
                    continue;
                }

                if (status == HttpStatusCode.InternalServerError)
                {
                    Interlocked.Increment(ref _serverErrors);
                }

                break;
            }
            while (key is not null && !stop.IsCancellationRequested);
        }
    }

    private async Task<(HttpStatusCode? Status, string? Reason)> PostAsync(string title, string? key, TimeSpan requestTimeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/todos") { Content = JsonContent.Create(new { title }) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        using var deadline = new CancellationTokenSource(requestTimeout);
        try
        {
            using var response = await http.SendAsync(request, deadline.Token);
            if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable))
            {
                _failures.Enqueue($"{(int)response.StatusCode} at {Now.TotalSeconds:F1} s: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
            }

            return (response.StatusCode, response.StatusCode == HttpStatusCode.ServiceUnavailable ? await ReasonAsync(response) : null);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            _failures.Enqueue($"no answer at {Now.TotalSeconds:F1} s: {(deadline.IsCancellationRequested ? $"nothing within {requestTimeout.TotalSeconds:0} s" : e.GetBaseException().Message)}");
            return (null, null);
        }
    }

    // FlyMpg's 503 names its reason in its problem details; a body without one (not FlyMpg's) gives null.
    private static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(CancellationToken.None));
            return problem.RootElement.TryGetProperty("reason", out var reason) ? reason.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
