using System.Net;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// One request of a <see cref="WriteLoad"/> or a <see cref="ReadLoad"/>: when it was sent (a read: when it was due) and
/// answered, on the load's clock, and the status (null when no answer came); for a write answered 503, the reason its
/// problem details give (FlyMpg's <c>flympg_reason</c>: never_ran, outcome_unknown, saturated, breaker_open).
/// </summary>
public sealed record WriteAnswer(TimeSpan Sent, TimeSpan Answered, HttpStatusCode? Status, string? Reason = null)
{
    public TimeSpan Latency => Answered - Sent;
}
