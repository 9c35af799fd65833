namespace FlyMpg;

/// <summary>What a database failure means for a retry and for the client, read from Npgsql's and PgBouncer's errors.</summary>
internal enum DatabaseFailureKind
{
    /// <summary>Not a database outage: a bug, a constraint, a bad query. The client gets a 500 (or the app's own answer).</summary>
    NotAnOutage,

    /// <summary>The statement never reached a server: safe to retry, even a write.</summary>
    NeverRan,

    /// <summary>The connection broke while a statement ran: it may have been applied. Only an idempotent operation is retried.</summary>
    OutcomeUnknown,

    /// <summary>The pooler or the service's own pool is full: a retry would wait in the same queue again. Not retried.</summary>
    Saturated,

    /// <summary>Not tried: the database is known to be down (<see cref="DatabaseBreaker"/> is open). Answered 503 at once, not retried.</summary>
    BreakerOpen,
}
