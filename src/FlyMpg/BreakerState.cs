namespace FlyMpg;

/// <summary>The state of a <see cref="DatabaseBreaker"/>; the values are those of the <c>flympg.breaker.state</c> gauge.</summary>
internal enum BreakerState
{
    /// <summary>Requests use the database.</summary>
    Closed = 0,

    /// <summary>The database is known to be down: requests are answered 503 at once.</summary>
    Open = 1,

    /// <summary>One request is probing the database; the others are answered 503 at once.</summary>
    HalfOpen = 2,
}
