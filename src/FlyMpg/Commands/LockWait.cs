namespace FlyMpg.Commands;

/// <summary>What a migration statement waited for (<c>pg_locks</c>) and the sessions in its way (<c>pg_blocking_pids</c>).</summary>
/// <param name="Mode">The lock mode asked for, e.g. <c>AccessExclusiveLock</c>.</param>
/// <param name="Target">The table (or, for other locks, the lock type), e.g. <c>todos</c>.</param>
/// <param name="Blockers">The sessions it waited behind.</param>
internal sealed record LockWait(string Mode, string Target, IReadOnlyList<Blocker> Blockers)
{
    /// <summary>"AccessExclusiveLock on todos".</summary>
    public string Lock => $"{Mode} on {Target}";

    /// <summary>Each blocker, as <see cref="Blocker.ToString"/> writes it.</summary>
    public string Behind => string.Join("; ", Blockers);

    public override string ToString() => $"{Lock} behind {Behind}";
}
