namespace FlyMpg.Telemetry;

/// <summary>The breaker of one pooled data source as scraped: its state (0 closed, 1 open, 2 half-open) and how often it opened.</summary>
internal sealed record ServedBreaker(string Pool, double State, double Opened)
{
    public string StateName => State switch
    {
        0 => "closed",
        1 => "open",
        2 => "half-open (one request probing)",
        _ => $"in state {State}",
    };
}
