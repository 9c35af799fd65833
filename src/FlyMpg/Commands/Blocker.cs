using System.Globalization;

namespace FlyMpg.Commands;

/// <summary>
/// A session that holds (or queues ahead for) the lock a migration statement waits for, as <c>pg_stat_activity</c> shows it:
/// what a person needs to find it and end it.
/// </summary>
/// <param name="Pid">Its backend's process id (<c>pg_terminate_backend(pid)</c> ends it).</param>
/// <param name="ApplicationName">Its <c>application_name</c>, e.g. <c>orders:web</c> or a reporting tool's.</param>
/// <param name="State"><c>active</c>, <c>idle in transaction</c>, ...; empty when this role may not see it.</param>
/// <param name="TransactionAge">How long its transaction has been open; null outside a transaction.</param>
/// <param name="Query">The first line of its current or last query.</param>
/// <param name="WaitsItself">It waits for a lock too: it queues ahead of the migration rather than holding what it needs.</param>
internal sealed record Blocker(int Pid, string ApplicationName, string State, TimeSpan? TransactionAge, string Query, bool WaitsItself)
{
    private const int QueryLength = 120;

    /// <summary>The first non-empty line of <paramref name="query"/>, at most 120 characters.</summary>
    public static string FirstLine(string query)
    {
        var line = query.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length <= QueryLength ? line : string.Concat(line.AsSpan(0, QueryLength), "...");
    }

    public override string ToString()
    {
        var age = TransactionAge is { } open ? string.Create(CultureInfo.InvariantCulture, $", transaction open {open.TotalSeconds:F0} s") : "";
        var waiting = WaitsItself ? ", itself waiting for a lock" : "";
        return $"pid {Pid} (application '{ApplicationName}', {(State.Length > 0 ? State : "state not visible to this role")}{age}{waiting}; query: {(Query.Length > 0 ? Query : "not visible to this role")})";
    }
}
