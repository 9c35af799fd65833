namespace FlyMpg;

/// <summary>
/// One database operation let through by <see cref="DatabaseBreaker.Enter"/>: an ordinary one, or the probe numbered
/// <see cref="Probe"/>, whose outcome closes or opens the breaker again. Hand it back to the breaker with the outcome.
/// </summary>
internal readonly record struct BreakerAttempt(long Probe)
{
    public bool IsProbe => Probe != 0;
}
