using Npgsql;

namespace FlyMpg.Doctor;

/// <summary>A pool of the service, for doctor's connection budget; each part that opens one registers it.</summary>
/// <param name="Label">How the budget line names it, e.g. "job client".</param>
/// <param name="Scope">Where it is counted.</param>
/// <param name="Setting">The variable that changes its size, named in the fix.</param>
/// <param name="Connection">Its connection, whose <c>Maximum Pool Size</c> is counted.</param>
internal sealed record PoolInBudget(string Label, BudgetScope Scope, string Setting, Func<FlyPostgresConnections, NpgsqlConnectionStringBuilder> Connection);
