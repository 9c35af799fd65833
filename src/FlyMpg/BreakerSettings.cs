namespace FlyMpg;

/// <summary>
/// The breaker of the web process's pooled connection (section <c>FlyMpg:Breaker</c>): while the database is known to be
/// down, requests that need it answer 503 at once instead of each waiting in PgBouncer, and one request at a time probes it.
/// </summary>
public sealed class BreakerSettings
{
    /// <summary>
    /// Whether outage errors open the breaker. Off, every request tries the database and waits as long as PgBouncer holds
    /// it (up to the Command Timeout, 15 s, while PgBouncer waits <c>server_login_retry</c> after a failed login). Default true.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Outage errors within <see cref="SamplingMilliseconds"/> that open it. Default 2: every outage reproduced here began
    /// with two to eight at once (all the connections in use), while one dropped connection is one error, which its retry
    /// gets past.
    /// </summary>
    public int FailureThreshold { get; set; } = 2;

    /// <summary>
    /// Milliseconds within which <see cref="FailureThreshold"/> outage errors open it. Default 1000: the errors of one
    /// outage arrive within milliseconds of each other; a second keeps two unrelated dropped connections apart.
    /// </summary>
    public int SamplingMilliseconds { get; set; } = 1000;

    /// <summary>
    /// Milliseconds it stays open before the next request probes the database. Default 500: the first request after the
    /// pooler serves again waits at most this long to be let through; two probes a second cost the database nothing.
    /// </summary>
    public int BreakMilliseconds { get; set; } = 500;

    /// <summary>
    /// Milliseconds with requests in flight and not one answered after which a new connection checks the database.
    /// Default 1000: when Postgres restarts or crashes between statements, no request sees an outage error; PgBouncer holds
    /// every one for up to <c>server_login_retry</c> (15 s), but refuses a new connection's query at once
    /// (<c>server login has been failing</c>, or <c>pgbouncer cannot connect to server</c> in later versions), and that
    /// refusal opens the breaker. A second without one answer is
    /// far beyond this service's own statements (milliseconds) and within the Fly proxy's patience.
    /// </summary>
    public int StallMilliseconds { get; set; } = 1000;
}
