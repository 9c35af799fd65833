namespace FlyMpg;

/// <summary>
/// A database setting is missing or wrong. The message names the setting and says what is wrong and how to fix
/// it; it never contains the value, which may hold a password.
/// </summary>
public sealed class DatabaseConfigurationException : Exception
{
    /// <summary>Creates the exception for <paramref name="setting"/> (a variable such as <c>DATABASE_URL</c>, or a key such as <c>FlyMpg:Pooled:MaxPoolSize</c>).</summary>
    public DatabaseConfigurationException(string setting, string problem)
        : base($"{setting} {problem}. {HintFor(setting)}")
    {
        Setting = setting;
        Problem = problem;
    }

    /// <summary>The variable or configuration key, e.g. <c>DATABASE_URL</c>.</summary>
    public string Setting { get; }

    /// <summary>What is wrong, e.g. "has no host".</summary>
    public string Problem { get; }

    /// <summary>How to fix it on Fly.</summary>
    public string Hint => HintFor(Setting);

    private static string HintFor(string setting) => setting switch
    {
        FlyPostgres.PooledVariable =>
            "Set it to the cluster's pooled URL (postgresql://fly-user:PASSWORD@pgbouncer.CLUSTER.flympg.net/fly-db); `fly mpg attach` sets it.",
        FlyPostgres.DirectVariable =>
            "Set it to the cluster's direct URL (postgresql://fly-user:PASSWORD@direct.CLUSTER.flympg.net/fly-db) with `fly secrets set DIRECT_DATABASE_URL=...`.",
        _ =>
            $"Set it in appsettings.json or as the environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}.",
    };
}
