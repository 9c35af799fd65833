namespace FlyMpg.Commands;

/// <summary>migrate gave up: every try of <see cref="What"/> timed out waiting for a lock, for as long as its budget allowed.</summary>
internal sealed class MigrationBlockedException(string what, int tries, TimeSpan waited, LockWait? wait)
    : Exception($"{what} could not get its lock in {tries} tries over {waited.TotalSeconds:F0} s")
{
    /// <summary>What waited: a migration's id, or a step's name.</summary>
    public string What { get; } = what;

    public int Tries { get; } = tries;

    /// <summary>From the first try to giving up.</summary>
    public TimeSpan Waited { get; } = waited;

    /// <summary>What it waited for and behind whom, as last seen; null if the blocker ended before it could be seen.</summary>
    public LockWait? Wait { get; } = wait;
}
