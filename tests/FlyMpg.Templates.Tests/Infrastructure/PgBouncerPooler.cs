namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// One PgBouncer of the stand-in (the primary one, or one started by <see cref="MpgStandIn.AddPoolerAsync"/>).
/// <see cref="DatabaseUrl"/> and <see cref="AdminUrl"/> hold passwords; <see cref="ToString"/> masks them.
/// </summary>
public sealed class PgBouncerPooler
{
    public PgBouncerPooler(int port, string databaseUrl, string adminUrl, string pidFile, string logFile)
    {
        Port = port;
        DatabaseUrl = databaseUrl;
        AdminUrl = adminUrl;
        PidFile = pidFile;
        LogFile = logFile;
    }

    public int Port { get; }

    /// <summary><c>postgresql://app:PW@127.0.0.1:PORT/app</c>, what Fly sets as <c>DATABASE_URL</c>.</summary>
    public string DatabaseUrl { get; }

    /// <summary>The <c>pgbouncer</c> admin database as <c>pgbouncer_admin</c> (simple query protocol only).</summary>
    public string AdminUrl { get; }

    public string PidFile { get; }

    public string LogFile { get; }

    /// <summary><see cref="DatabaseUrl"/> as an Npgsql connection string (Npgsql does not take URLs).</summary>
    public string ConnectionString => MpgStandIn.ConnectionStringFromUrl(DatabaseUrl).ConnectionString;

    /// <summary>The pooled URL of another database on the same Postgres (the pooler's <c>*</c> fallback entry serves it).</summary>
    public string UrlFor(string database) => MpgStandIn.ReplaceDatabase(DatabaseUrl, database);

    public override string ToString() => $"PgBouncer 127.0.0.1:{Port} (pidfile {PidFile})";
}
