using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace FlyMpg.Doctor;

/// <summary>
/// The doctor's checks that talk to the network. Each opens connections of its own, outside Npgsql's pool (so
/// every open is a new client of the server), and every step gives up after <see cref="StepSeconds"/>.
/// Nothing here writes: queries run in read-only transactions.
/// </summary>
internal sealed class DoctorChecks(string applicationName, FlyContextType contextType, IServiceProvider services)
{
    private const int StepSeconds = 5;

    // Transactions per client in the pool mode check; transaction pooling shows in the first one or two.
    private const int PoolingRounds = 5;

    private const string RealSessionNeededBy = "migrations and session-scoped work need a real session";

    // Fly sets FLY_MACHINE_ID on every Machine.
    private static bool OnFly => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FLY_MACHINE_ID"));

    /// <summary>The host resolves (A/AAAA shown) and accepts a connection and the login.</summary>
    public async Task<Finding> ConnectionAsync(NpgsqlConnectionStringBuilder settings)
    {
        var (where, ipv6Only, unresolved) = await ResolveAsync(settings.Host ?? "");
        if (unresolved is not null)
        {
            return Finding.Fail(
                unresolved,
                OnFly
                    ? "check the host against the cluster's Connect page in the Fly dashboard (`fly mpg list`)"
                    : "check the host name; from outside Fly, run `fly mpg proxy` and point the URL at the local port it opens");
        }

        try
        {
            await using var connection = await OpenAsync(settings);
            // The second round trip: the first one also pays for loading and compiling code.
            await RoundTripAsync(connection);
            var roundTrip = await RoundTripAsync(connection);
            return Finding.Pass(string.Create(CultureInfo.InvariantCulture, $"{where}; connected, round trip {roundTrip.TotalMilliseconds:0.0} ms"));
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return Finding.Fail($"{where}; {Reason(e)}", e switch
            {
                PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                    "copy the URL again from the cluster's Connect page (user and password) and `fly secrets set` it",
                PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => "check the database name at the end of the URL (fly-db on MPG)",
                _ when ipv6Only && !OnFly =>
                    "Fly's private network is IPv6-only and reachable only from Fly Machines: run `fly mpg proxy` and point the URL at the local port it opens",
                _ => "check the host and port in the URL and that the cluster runs (`fly mpg status`)",
            });
        }
    }

    /// <summary>
    /// DATABASE_URL must reach a pooler in transaction mode. A pooler answers the startup handshake itself, so the
    /// process id it hands out (BackendKeyData) is not the pid of the backend that runs the queries, while Postgres
    /// hands out exactly that pid. The pool mode shows in how two clients, connected at the same time, are served:
    /// in session mode each keeps one backend for its whole life and never gets another's, in transaction mode the
    /// backend goes back to the pool at every COMMIT and the next transaction of either client may get it
    /// (PgBouncer reuses the most recently released server connection first, unless server_round_robin is set;
    /// with it, a client moves from backend to backend). One sighting of either proves transaction pooling;
    /// session pooling can never produce one, so the verdict errs only towards a warning.
    /// </summary>
    public async Task<Finding> PoolingAsync(NpgsqlConnectionStringBuilder settings)
    {
        try
        {
            await using var first = await OpenAsync(settings);
            var pid = await BackendPidAsync(first);
            if (pid == first.ProcessID)
            {
                return Finding.Fail(
                    $"reaches Postgres itself, not a pooler (BackendKeyData pid = backend pid {pid})",
                    "set DATABASE_URL to the cluster's pooled URL (pgbouncer.CLUSTER.flympg.net), as `fly mpg attach` does");
            }

            await using var second = await OpenAsync(settings);
            HashSet<int> firstRanOn = [pid], secondRanOn = [];
            for (var round = 0; round < PoolingRounds; round++)
            {
                secondRanOn.Add(await BackendPidAsync(second));
                firstRanOn.Add(await BackendPidAsync(first));
                if (TransactionPoolingEvidence(firstRanOn, secondRanOn) is { } evidence)
                {
                    return Finding.Pass($"a pooler in transaction mode: {evidence}");
                }
            }

            return Finding.Warn(
                $"a pooler in session mode: 2 connected clients kept their own backends ({firstRanOn.Single()}, {secondRanOn.Single()}) over {1 + (2 * PoolingRounds)} alternating transactions",
                "set Pool mode to Transaction in the Fly dashboard (cluster, Connect, Pooler settings): in session mode every app connection holds a database connection");
        }
        catch (PostgresException e) when (e.MessageText.Contains("statement pooling", StringComparison.OrdinalIgnoreCase))
        {
            return Finding.Fail(
                $"a pooler in statement mode, which refuses transactions: {e.MessageText}",
                "set Pool mode to Transaction in the Fly dashboard (cluster, Connect, Pooler settings)");
        }
        catch (Exception e) when (IsTimeout(e))
        {
            return Finding.Warn(
                $"pool mode unknown: a client waited over {StepSeconds} s for a server connection (pool exhausted?)",
                "in session mode each client holds a server connection: set Pool mode to Transaction; else check the cluster's load");
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return Finding.Fail(Reason(e), "run doctor again; if it persists, check the pooler (`fly mpg status`)");
        }
    }

    /// <summary>DIRECT_DATABASE_URL must reach Postgres itself: BackendKeyData pid = backend pid (see <see cref="PoolingAsync"/>).</summary>
    public async Task<Finding> SessionAsync(NpgsqlConnectionStringBuilder settings)
    {
        try
        {
            await using var connection = await OpenAsync(settings);
            var pid = await BackendPidAsync(connection);
            return pid == connection.ProcessID
                ? Finding.Pass($"Postgres {connection.PostgreSqlVersion} itself (BackendKeyData pid = backend pid {pid})")
                : Finding.Fail(
                    $"reaches a connection pooler (BackendKeyData pid ≠ backend pid {pid}), not Postgres itself",
                    $"set DIRECT_DATABASE_URL to the cluster's direct URL (direct.CLUSTER.flympg.net): {RealSessionNeededBy}");
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return Finding.Fail(Reason(e), "run doctor again; if it persists, check the cluster (`fly mpg status`)");
        }
    }

    /// <summary>
    /// Pending migrations, read over the direct connection in a read-only transaction: EF reads the history table
    /// only if it exists (it creates it only when migrating), and Postgres would refuse any write anyway.
    /// </summary>
    public async Task<Finding> MigrationsAsync(NpgsqlConnectionStringBuilder settings, string app)
    {
        try
        {
            await using var connection = new NpgsqlConnection(Probe(settings).ConnectionString);
            await using var db = contextType.Create(services, options => options.UseNpgsql(connection));
            var known = db.Database.GetMigrations().ToList();
            if (known.Count == 0)
            {
                return Finding.Pass("this build has no migration");
            }

            using var step = Step();
            await db.Database.OpenConnectionAsync(step.Token);
            await using var transaction = await db.Database.BeginTransactionAsync(step.Token);
            await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", step.Token);
            var applied = (await db.Database.GetAppliedMigrationsAsync(step.Token)).ToList();
            await transaction.RollbackAsync(step.Token);

            var pending = known.Except(applied).ToList();
            var unknown = applied.Except(known).ToList();
            if (unknown.Count > 0)
            {
                return Finding.Warn(
                    $"the database has {unknown.Count} migration(s) this build does not know ({List(unknown)}): an older build on a newer schema",
                    "deploy the build that added them, or check that DIRECT_DATABASE_URL names the right database");
            }

            return pending.Count == 0
                ? Finding.Pass($"up to date ({applied.Count} applied, last {applied[^1]})")
                : Finding.Warn(
                    $"{pending.Count} of {known.Count} pending ({List(pending)})",
                    $"`{app} migrate` applies them; `fly deploy` runs it as the release_command");
        }
        catch (Exception e) when (IsDatabaseError(e))
        {
            return Finding.Fail(Reason(e), "run doctor again; if it persists, check the cluster (`fly mpg status`)");
        }
    }

    private static string? TransactionPoolingEvidence(HashSet<int> first, HashSet<int> second)
    {
        if (first.Intersect(second).Select(pid => (int?)pid).FirstOrDefault() is { } shared)
        {
            return $"2 connected clients ran on the same backend (pid {shared}) in turn";
        }

        var moved = first.Count > 1 ? first : second.Count > 1 ? second : null;
        return moved is null ? null : $"one client ran on backends {string.Join(" and ", moved.Take(2))} in turn";
    }

    private static async Task<TimeSpan> RoundTripAsync(NpgsqlConnection connection)
    {
        using var step = Step();
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        var clock = Stopwatch.StartNew();
        await command.ExecuteScalarAsync(step.Token);
        return clock.Elapsed;
    }

    // A transaction of its own: on a transaction pooler the server connection goes back to the pool at COMMIT.
    internal static async Task<int> BackendPidAsync(NpgsqlConnection connection)
    {
        using var step = Step();
        await using var transaction = await connection.BeginTransactionAsync(step.Token);
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection, transaction);
        var pid = (int)(await command.ExecuteScalarAsync(step.Token))!;
        await transaction.CommitAsync(step.Token);
        return pid;
    }

    internal async Task<NpgsqlConnection> OpenAsync(NpgsqlConnectionStringBuilder settings)
    {
        var connection = new NpgsqlConnection(Probe(settings).ConnectionString);
        try
        {
            using var step = Step();
            await connection.OpenAsync(step.Token);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private NpgsqlConnectionStringBuilder Probe(NpgsqlConnectionStringBuilder settings) => new(settings.ConnectionString)
    {
        Pooling = false,
        Timeout = StepSeconds,
        CommandTimeout = StepSeconds,
        ApplicationName = applicationName,
    };

    // A little longer than Npgsql's own timeouts, which give the better message when they fire first.
    internal static CancellationTokenSource Step() => new(TimeSpan.FromSeconds(StepSeconds + 1));

    // "host → A 1.2.3.4, AAAA fdaa::3" for each host of the setting; a Unix socket or an IP address stays as it is.
    private static async Task<(string Where, bool Ipv6Only, string? Unresolved)> ResolveAsync(string hosts)
    {
        var parts = new List<string>();
        bool ipv4 = false, ipv6 = false;
        foreach (var host in hosts.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            IPAddress[] addresses;
            if (host.StartsWith('/'))
            {
                parts.Add(host);
                continue;
            }

            if (IPAddress.TryParse(host, out var literal))
            {
                addresses = [literal];
                parts.Add(host);
            }
            else
            {
                try
                {
                    using var step = Step();
                    addresses = (await Dns.GetHostAddressesAsync(host, step.Token).WaitAsync(TimeSpan.FromSeconds(StepSeconds), step.Token)).Distinct().ToArray();
                }
                catch (Exception e) when (e is SocketException or TimeoutException or OperationCanceledException)
                {
                    var reason = e is SocketException socket ? socket.Message : $"no answer within {StepSeconds} s";
                    return ("", false, $"{host} does not resolve ({reason})");
                }

                parts.Add($"{host} → {string.Join(", ", addresses.Take(4).Select(a => $"{(a.AddressFamily == AddressFamily.InterNetworkV6 ? "AAAA" : "A")} {a}"))}");
            }

            ipv4 |= addresses.Any(a => a.AddressFamily == AddressFamily.InterNetwork);
            ipv6 |= addresses.Any(a => a.AddressFamily == AddressFamily.InterNetworkV6);
        }

        return (string.Join("; ", parts), ipv6 && !ipv4, null);
    }

    private static string List(List<string> migrations) =>
        migrations.Count <= 3 ? string.Join(", ", migrations) : $"{string.Join(", ", migrations.Take(3))} and {migrations.Count - 3} more";

    private static bool IsTimeout(Exception e) =>
        e is TimeoutException or OperationCanceledException || e.InnerException is TimeoutException or OperationCanceledException;

    // What the network or the server may throw; EF wraps some of it in an InvalidOperationException.
    internal static bool IsDatabaseError(Exception e) =>
        e is NpgsqlException or SocketException or TimeoutException or OperationCanceledException || e.InnerException is NpgsqlException;

    internal static string Reason(Exception e) => e switch
    {
        PostgresException postgres => $"{postgres.SqlState}: {postgres.MessageText}",
        _ when IsTimeout(e) => $"no answer within {StepSeconds} s",
        { InnerException: PostgresException postgres } => $"{postgres.SqlState}: {postgres.MessageText}",
        { InnerException: SocketException socket } => $"{e.Message.TrimEnd('.')}: {socket.Message}",
        _ => e.Message,
    };
}
