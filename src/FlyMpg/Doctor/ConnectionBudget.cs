using System.Globalization;

namespace FlyMpg.Doctor;

/// <summary>The service's pools, summed over its Machines, against the plan's limits.</summary>
internal sealed class ConnectionBudget(FlyPostgresConnections connections, IEnumerable<PoolInBudget> pools, DoctorPlan plan, DoctorOptions options)
{
    private readonly List<PoolInBudget> _pools = pools.ToList();

    /// <summary>PgBouncer clients: every web Machine's pooled pools.</summary>
    public Finding ClientConnections()
    {
        var perMachine = In(BudgetScope.PerWebMachine);
        var sizes = perMachine.Select(p => $"{p.Label} {Size(p)}").ToList();
        return Budget(
            $"{Machines(options.Machines)} × {(sizes.Count == 1 ? sizes[0] : $"({string.Join(" + ", sizes)})")}",
            options.Machines * perMachine.Sum(Size),
            plan.ClientConnections,
            $"{plan.Name} plan",
            $"lower {string.Join(" or ", perMachine.Select(p => p.Setting))}, run fewer Machines, or move to a bigger plan");
    }

    /// <summary>Direct connections to Postgres: <c>migrate</c> and every worker Machine's pool.</summary>
    public Finding DatabaseConnections(bool hasWorker)
    {
        var once = In(BudgetScope.Once);
        var perWorker = hasWorker ? In(BudgetScope.PerWorkerMachine) : [];
        var parts = once.Select(p => $"{p.Label} {Size(p)}")
            .Concat(perWorker.Select(p => $"{Machines(options.WorkerMachines, "worker ")} × {p.Label} {Size(p)}"));
        return Budget(
            string.Join(" + ", parts),
            once.Sum(Size) + (options.WorkerMachines * perWorker.Sum(Size)),
            plan.DatabaseConnections - plan.Reserved,
            $"{plan.Name} plan: {plan.DatabaseConnections} minus {plan.Reserved} reserved",
            $"PgBouncer's server connections need room too: lower {string.Join(" or ", once.Concat(perWorker).Select(p => p.Setting))}{(perWorker.Count > 0 ? ", run fewer worker Machines," : "")} or move to a bigger plan");
    }

    private List<PoolInBudget> In(BudgetScope scope) => _pools.Where(p => p.Scope == scope).ToList();

    private int Size(PoolInBudget pool) => pool.Connection(connections).MaxPoolSize;

    private static string Machines(int count, string kind = "") => $"{count} {kind}Machine{(count == 1 ? "" : "s")}";

    // Over 80 % leaves no room for a deploy (old and new Machines overlap) or a burst: warn; over 100 %: fail.
    private static Finding Budget(string sum, int used, int limit, string of, string fix)
    {
        var share = 100.0 * used / limit;
        var text = string.Create(CultureInfo.InvariantCulture, $"{sum} = {used} of {limit} ({of}; {share:0} %)");
        return share > 100 ? Finding.Fail(text, fix) : share > 80 ? Finding.Warn(text, fix) : Finding.Pass(text);
    }
}
