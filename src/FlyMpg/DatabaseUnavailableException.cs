using System.Data.Common;

namespace FlyMpg;

/// <summary>
/// Thrown instead of running a database operation while the database is known to be down: several connections of the
/// pooled data source failed with outage errors (a Postgres restart or crash, a PgBouncer restart or <c>KILL</c>), and
/// no probe has found it serving again since. Nothing was sent and no pooled connection was taken. The service answers
/// it with 503 and <c>Retry-After</c>; a <c>DbException</c>, so code that catches database failures catches it too.
/// </summary>
public sealed class DatabaseUnavailableException : DbException
{
    /// <summary>
    /// Creates the exception for the data source called <paramref name="dataSourceName"/>; <paramref name="lastOutageError"/>
    /// is named in the message, not chained: this operation never met it.
    /// </summary>
    public DatabaseUnavailableException(string dataSourceName, TimeSpan retryAfter, string lastOutageError)
        : base(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The database of the '{dataSourceName}' data source is down ({lastOutageError}); not tried. The next probe is due in {Math.Max(0, retryAfter.TotalSeconds):0.0} s."))
    {
        DataSourceName = dataSourceName;
        RetryAfter = retryAfter;
    }

    /// <summary>The Npgsql data source whose breaker refused the operation (<c>web</c>: the pooled one).</summary>
    public string DataSourceName { get; }

    /// <summary>How long until a request may probe the database again: what <c>Retry-After</c> tells the client.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>True: the same operation may succeed once the database is back.</summary>
    public override bool IsTransient => true;
}
