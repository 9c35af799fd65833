namespace Orders.Database;

/// <summary>
/// A database setting is missing or wrong. The message names the variable and says what is wrong;
/// it never contains the value, which may hold a password.
/// </summary>
public sealed class DatabaseConfigurationException(string variable, string problem)
    : Exception($"{variable} {problem}. {HintFor(variable)}")
{
    public string Variable { get; } = variable;

    /// <summary>What is wrong, e.g. "has no host".</summary>
    public string Problem { get; } = problem;

    /// <summary>How to fix it on Fly.</summary>
    public string Hint => HintFor(Variable);

    private static string HintFor(string variable) => variable switch
    {
        PostgresConnections.DirectVariable =>
            "Set it to the cluster's direct URL (postgresql://fly-user:PASSWORD@direct.CLUSTER.flympg.net/fly-db) with `fly secrets set DIRECT_DATABASE_URL=...`.",
        _ =>
            "Set it to the cluster's pooled URL (postgresql://fly-user:PASSWORD@pgbouncer.CLUSTER.flympg.net/fly-db); `fly mpg attach` sets it.",
    };
}
