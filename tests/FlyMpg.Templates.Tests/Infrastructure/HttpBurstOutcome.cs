using System.Collections.Concurrent;
using System.Net;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>What an HTTP burst got: status codes, and transport failures.</summary>
public sealed class HttpBurstOutcome
{
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly ConcurrentQueue<string> _errors = new();

    public IReadOnlyCollection<int> Statuses => _statuses;

    /// <summary>Requests that got no answer (connection refused, timeout).</summary>
    public IReadOnlyCollection<string> TransportErrors => _errors;

    public int Successful => _statuses.Count(s => s is >= 200 and < 300);

    /// <summary>Requests answered with a non-2xx status or not answered at all.</summary>
    public int Failed => _statuses.Count(s => s is < 200 or >= 300) + _errors.Count;

    public TimeSpan Elapsed { get; set; }

    public void Record(HttpStatusCode status) => _statuses.Enqueue((int)status);

    public void Record(Exception e) => _errors.Enqueue($"{e.GetType().Name}: {e.Message}");

    public override string ToString() =>
        $"{Successful} of {_statuses.Count + _errors.Count} 2xx in {Elapsed.TotalSeconds:0.00} s; statuses: "
        + string.Join(", ", _statuses.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Count()} x {g.Key}"))
        + (_errors.IsEmpty ? "" : "; no answer: " + string.Join(", ", _errors.GroupBy(e => e).Select(g => $"{g.Count()} x {g.Key}")));
}
