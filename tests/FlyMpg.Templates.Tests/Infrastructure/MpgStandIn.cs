using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// The local stand-in for Fly Managed Postgres: a throwaway PostgreSQL on 127.0.0.1 behind a real
/// PgBouncer in transaction mode with the MPG-like policy of <c>templates/flympg-web/local/pgbouncer-mpg.ini</c>, run by
/// <c>build/mpg-local.sh</c>. Starting it never skips: any failure throws with the script's output
/// (passwords masked). Disposal, process exit, and (through the script's watchdog) even a killed
/// test host stop everything it started.
/// </summary>
public sealed class MpgStandIn : IAsyncLifetime, IAsyncDisposable
{
    /// <summary>Bounds <c>mpg-local.sh start</c>, which may have to apt-get install postgresql and pgbouncer first.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromSeconds(90);

    // mpg-local.sh, bounded by the script timeout; it learns to mask the passwords `start` prints.
    private ProcessRunner _script;
    private readonly object _stopLock = new();
    private Dictionary<string, string> _env = new(StringComparer.Ordinal);
    private PgBouncerPooler? _pooler;
    private EventHandler? _processExitHandler;
    private bool _started;
    private bool _stopped;

    public MpgStandIn()
    {
        RepoRoot = FindRepoRoot();
        ScriptPath = Path.Combine(RepoRoot, "build", "mpg-local.sh");
        _script = new ProcessRunner("bash").WithArguments(ScriptPath).WithTimeout(ScriptTimeout);
        DefaultPolicyIni = Path.Combine(RepoRoot, "templates", "flympg-web", "local", "pgbouncer-mpg.ini");
    }

    /// <summary>The folder holding <c>Templates.csproj</c>.</summary>
    public string RepoRoot { get; }

    public string ScriptPath { get; }

    /// <summary><c>templates/flympg-web/local/pgbouncer-mpg.ini</c>: the MPG-like policy the primary pooler runs with.</summary>
    public string DefaultPolicyIni { get; }

    /// <summary>The state dir (data dir, logs, pidfiles); removed by <c>stop</c>.</summary>
    public string StateDir => Env("MPG_STATE_DIR");

    /// <summary><c>DATABASE_URL</c>: the app database through the primary PgBouncer.</summary>
    public string PooledUrl => Env("DATABASE_URL");

    /// <summary><c>DIRECT_DATABASE_URL</c>: the app database straight to Postgres.</summary>
    public string DirectUrl => Env("DIRECT_DATABASE_URL");

    /// <summary>Superuser <c>postgres</c> over TCP, straight to Postgres (test setup only; apps never get this on MPG).</summary>
    public string SuperuserUrl => Env("POSTGRES_SUPERUSER_URL");

    /// <summary>The primary pooler's admin console.</summary>
    public string AdminUrl => Env("PGBOUNCER_ADMIN_URL");

    /// <summary>The password of role <c>app</c> (random per start).</summary>
    public string Password => Env("APP_PASSWORD");

    public int PostgresPort => int.Parse(Env("POSTGRES_PORT"), CultureInfo.InvariantCulture);

    public int PgBouncerPort => int.Parse(Env("PGBOUNCER_PORT"), CultureInfo.InvariantCulture);

    public string PostgresLog => Env("POSTGRES_LOG");

    /// <summary>The primary PgBouncer (policy <see cref="DefaultPolicyIni"/>).</summary>
    public PgBouncerPooler Pooler => _pooler ?? throw NotStarted();

    /// <summary><see cref="PooledUrl"/> as an Npgsql connection string.</summary>
    public string PooledConnectionString => ConnectionStringFromUrl(PooledUrl).ConnectionString;

    /// <summary><see cref="DirectUrl"/> as an Npgsql connection string.</summary>
    public string DirectConnectionString => ConnectionStringFromUrl(DirectUrl).ConnectionString;

    public async Task InitializeAsync()
    {
        if (_started)
        {
            return;
        }

        if (!File.Exists(ScriptPath))
        {
            throw new MpgStandInException($"The stand-in script is missing: {ScriptPath}");
        }

        var result = await Script("start", "--owner-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture))
            .WithTimeout(StartTimeout)
            .RunAsync()
            .ConfigureAwait(false);

        // Parse first so the passwords are known and masked in any failure below.
        _env = ParseEnvLines(result.StdOut);
        var secrets = new[] { "APP_PASSWORD", "PGBOUNCER_ADMIN_PASSWORD", "SUPERUSER_PASSWORD" }.Select(_env.GetValueOrDefault).ToList();
        _script = secrets.Aggregate(_script, (runner, secret) => runner.Masking(secret));

        if (_env.TryGetValue("MPG_STATE_DIR", out var stateDir) && stateDir.Length > 0)
        {
            _started = true; // from here on, stop must run even if the checks below fail
            _processExitHandler = (_, _) => StopQuietly();
            AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
        }

        result = result.Masking(secrets);
        if (result.ExitCode != 0)
        {
            StopQuietly();
            Succeeded(result);
        }

        var missing = new[]
            {
                "MPG_STATE_DIR", "POSTGRES_PORT", "PGBOUNCER_PORT", "APP_PASSWORD", "DIRECT_DATABASE_URL", "DATABASE_URL",
                "PGBOUNCER_ADMIN_URL", "POSTGRES_SUPERUSER_URL", "PGBOUNCER_PIDFILE", "PGBOUNCER_LOG",
            }
            .Where(k => !_env.ContainsKey(k))
            .ToList();
        if (missing.Count > 0)
        {
            StopQuietly();
            throw new MpgStandInException($"mpg-local.sh start printed no {string.Join(", ", missing)}.{Environment.NewLine}{result.Describe()}");
        }

        _pooler = new PgBouncerPooler(PgBouncerPort, PooledUrl, AdminUrl, Env("PGBOUNCER_PIDFILE"), Env("PGBOUNCER_LOG"));
    }

    /// <summary>Runs <c>mpg-local.sh stop</c>: every pooler, Postgres and the state dir go away. Idempotent.</summary>
    public Task DisposeAsync() => Task.Run(Stop);

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync().ConfigureAwait(false);

    /// <summary>
    /// Starts one more PgBouncer in front of the same Postgres with another policy file (a fragment of the
    /// <c>[pgbouncer]</c> section, see <see cref="CreatePolicyFile"/>). Stopped with the stand-in.
    /// </summary>
    public async Task<PgBouncerPooler> AddPoolerAsync(string policyIni, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policyIni);
        EnsureStarted();
        var result = Succeeded(await Script("add-pooler", "--state-dir", StateDir, "--pooler-ini", Path.GetFullPath(policyIni))
            .RunAsync(cancellationToken)
            .ConfigureAwait(false));
        var env = ParseEnvLines(result.StdOut);
        string Get(string key) => env.TryGetValue(key, out var v)
            ? v
            : throw new MpgStandInException($"mpg-local.sh add-pooler printed no {key}.{Environment.NewLine}{result.Describe()}");
        return new PgBouncerPooler(
            int.Parse(Get("PGBOUNCER_PORT"), CultureInfo.InvariantCulture),
            Get("DATABASE_URL"),
            Get("PGBOUNCER_ADMIN_URL"),
            Get("PGBOUNCER_PIDFILE"),
            Get("PGBOUNCER_LOG"));
    }

    /// <summary>
    /// Writes a policy file into the state dir: <c>templates/flympg-web/local/pgbouncer-mpg.ini</c> followed by
    /// <paramref name="overrides"/> (e.g. <c>"client_idle_timeout = 3"</c>); PgBouncer keeps the last
    /// value of a key, so the overrides win. Returns its path, for <see cref="AddPoolerAsync"/>.
    /// </summary>
    public string CreatePolicyFile(params string[] overrides)
    {
        EnsureStarted();
        var dir = Path.Combine(StateDir, "policies");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, $"policy-{Guid.NewGuid():N}.ini");
        var text = new StringBuilder(File.ReadAllText(DefaultPolicyIni));
        text.Append('\n').Append("; overrides written by MpgStandIn.CreatePolicyFile\n");
        foreach (var line in overrides)
        {
            text.Append(line).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// Does what a managed database does now and then (<c>mpg-local.sh fault</c>): <c>postgres-stop-fast</c>,
    /// <c>postgres-shutdown-begin</c>, <c>postgres-crash</c>, <c>postgres-start</c>, or <c>pooler-restart</c> of
    /// <paramref name="pooler"/> (default: the primary one).
    /// </summary>
    public async Task FaultAsync(string fault, PgBouncerPooler? pooler = null, CancellationToken cancellationToken = default)
    {
        EnsureStarted();
        string[] arguments = pooler is null ? ["fault", "--state-dir", StateDir, fault] : ["fault", "--state-dir", StateDir, fault, "--pidfile", pooler.PidFile];
        Succeeded(await Script(arguments).RunAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Polls <c>SELECT 1</c> through <paramref name="pooler"/> on fresh connections until it answers (60 s at most): "the pooler serves again".</summary>
    public async Task WaitUntilServedAsync(PgBouncerPooler pooler, FreshDatabase database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ConnectionStringFromUrl(pooler.UrlFor(database.Name)).ConnectionString) { Pooling = false, Timeout = 2 }.ConnectionString;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Exception? last = null;
        while (!deadline.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(deadline.Token);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.ExecuteScalarAsync(deadline.Token);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or OperationCanceledException && !deadline.IsCancellationRequested)
            {
                last = e;
                await Task.Delay(50, CancellationToken.None);
            }
        }

        throw new TimeoutException($"{pooler} did not serve {database} within 60 s: {last?.Message}");
    }

    /// <summary>Rows per <c>title</c> in <paramref name="table"/>, read directly: what a write load left in the table.</summary>
    public async Task<IReadOnlyDictionary<string, int>> CountRowsByTitleAsync(FreshDatabase database, string table)
    {
        await using var direct = CreateDirectDataSource(database.Name);
        await using var command = direct.CreateCommand($"SELECT title, count(*)::int FROM {table} GROUP BY title");
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var titles = new Dictionary<string, int>();
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            titles[reader.GetString(0)] = reader.GetInt32(1);
        }

        return titles;
    }

    /// <summary><c>SHOW CLIENTS</c> on <paramref name="pooler"/> (default: the primary pooler).</summary>
    public Task<IReadOnlyList<PgBouncerClient>> ShowClientsAsync(PgBouncerPooler? pooler = null, CancellationToken cancellationToken = default) =>
        PgBouncerAdmin.ShowClientsAsync(pooler ?? Pooler, cancellationToken);

    /// <summary>The most PgBouncer clients matching <paramref name="counts"/> seen at once, polling SHOW CLIENTS every 50 ms until <paramref name="stop"/>.</summary>
    public async Task<int> WatchMaxClientsAsync(Func<PgBouncerClient, bool> counts, CancellationToken stop)
    {
        var max = 0;
        while (!stop.IsCancellationRequested)
        {
            var clients = await ShowClientsAsync(cancellationToken: CancellationToken.None);
            max = Math.Max(max, clients.Count(counts));
            await Task.Delay(50, CancellationToken.None);
        }

        return max;
    }

    /// <summary><c>SHOW POOLS</c> on <paramref name="pooler"/> (default: the primary pooler).</summary>
    public Task<IReadOnlyList<PgBouncerPool>> ShowPoolsAsync(PgBouncerPooler? pooler = null, CancellationToken cancellationToken = default) =>
        PgBouncerAdmin.ShowPoolsAsync(pooler ?? Pooler, cancellationToken);

    /// <summary><c>SHOW CONFIG</c> on <paramref name="pooler"/> (default: the primary pooler), key to value.</summary>
    public Task<IReadOnlyDictionary<string, string>> ShowConfigAsync(PgBouncerPooler? pooler = null, CancellationToken cancellationToken = default) =>
        PgBouncerAdmin.ShowConfigAsync(pooler ?? Pooler, cancellationToken);

    /// <summary>A data source straight to Postgres as <c>app</c> (database <c>app</c> unless given).</summary>
    public NpgsqlDataSource CreateDirectDataSource(string? database = null, Action<NpgsqlConnectionStringBuilder>? configure = null) =>
        CreateDataSource(DirectUrl, database, configure);

    /// <summary>A data source through <paramref name="pooler"/> (default: the primary pooler) as <c>app</c>.</summary>
    public NpgsqlDataSource CreatePooledDataSource(
        string? database = null, PgBouncerPooler? pooler = null, Action<NpgsqlConnectionStringBuilder>? configure = null) =>
        CreateDataSource((pooler ?? Pooler).DatabaseUrl, database, configure);

    /// <summary>The process id of Postgres's postmaster (the first line of its <c>postmaster.pid</c>), which accepts and forks every connection.</summary>
    public int PostmasterProcessId() =>
        int.Parse(File.ReadLines(Path.Combine(StateDir, "pgdata", "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    /// <summary>A data source straight to Postgres as the superuser (test setup only).</summary>
    public NpgsqlDataSource CreateSuperuserDataSource(string? database = null) => CreateDataSource(SuperuserUrl, database, null);

    /// <summary>
    /// Creates (or re-creates, empty) database <paramref name="name"/> owned by <c>app</c>. It is reachable
    /// directly and through every pooler (their <c>*</c> fallback entry), as the same role and password.
    /// </summary>
    public async Task<FreshDatabase> CreateFreshDatabaseAsync(string name, CancellationToken cancellationToken = default)
    {
        if (!Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new ArgumentException("Use a lower-case identifier: letters, digits, underscores, at most 63 characters.", nameof(name));
        }

        EnsureStarted();
        await using (var superuser = CreateSuperuserDataSource())
        {
            await using var drop = superuser.CreateCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await using var create = superuser.CreateCommand($"CREATE DATABASE \"{name}\" OWNER app");
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new FreshDatabase(name, ReplaceDatabase(PooledUrl, name), ReplaceDatabase(DirectUrl, name));
    }

    /// <summary>Replaces every password of this stand-in with <c>***</c>.</summary>
    public string Mask(string text) => _script.Mask(text);

    /// <summary>
    /// A <c>postgresql://</c> URL read by the generated service's own parser (<see cref="PostgresUrl"/>, linked from the
    /// template), plus <c>GSS Encryption Mode=Disable</c> (no Kerberos on loopback) and bounded timeouts.
    /// </summary>
    public static NpgsqlConnectionStringBuilder ConnectionStringFromUrl(string url)
    {
        var builder = PostgresUrl.Parse("the stand-in's URL", url);
        builder.GssEncryptionMode = GssEncryptionMode.Disable;
        builder.Timeout = 15;
        builder.CommandTimeout = 60;
        return builder;
    }

    internal static string ReplaceDatabase(string url, string database)
    {
        var uri = new Uri(url);
        return new UriBuilder(uri) { Path = "/" + Uri.EscapeDataString(database) }.Uri.ToString();
    }

    public override string ToString() =>
        _started ? $"MPG stand-in: Postgres 127.0.0.1:{PostgresPort}, PgBouncer 127.0.0.1:{PgBouncerPort}, state {StateDir}" : "MPG stand-in (not started)";

    private static NpgsqlDataSource CreateDataSource(string url, string? database, Action<NpgsqlConnectionStringBuilder>? configure)
    {
        var builder = ConnectionStringFromUrl(url);
        if (database is not null)
        {
            builder.Database = database;
        }

        configure?.Invoke(builder);
        return NpgsqlDataSource.Create(builder);
    }

    private void Stop()
    {
        lock (_stopLock)
        {
            if (!_started || _stopped)
            {
                return;
            }

            _stopped = true;
            if (_processExitHandler is not null)
            {
                AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
            }

            Succeeded(Script("stop", "--state-dir", StateDir).Run());
        }
    }

    private void StopQuietly()
    {
        try
        {
            Stop();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"MpgStandIn: stopping at process exit failed: {e.Message}");
        }
    }

    private void EnsureStarted()
    {
        if (!_started || _stopped)
        {
            throw NotStarted();
        }
    }

    private InvalidOperationException NotStarted() =>
        new(_stopped ? "The MPG stand-in was stopped." : "The MPG stand-in is not started: use it as an xunit fixture or await InitializeAsync().");

    private string Env(string key) =>
        _env.TryGetValue(key, out var value) ? value : throw NotStarted();

    private static Dictionary<string, string> ParseEnvLines(string stdout)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var match = Regex.Match(line, "^([A-Z][A-Z0-9_]*)=(.*)$");
            if (match.Success)
            {
                env[match.Groups[1].Value] = match.Groups[2].Value;
            }
        }

        return env;
    }

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Templates.csproj")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new MpgStandInException($"No folder holding Templates.csproj above {AppContext.BaseDirectory}.");
    }

    // ---- processes -------------------------------------------------------------------------------

    /// <summary>psql from PATH, else the newest <c>/usr/lib/postgresql/*/bin/psql</c> (Debian).</summary>
    internal static string FindPsql()
    {
        var fromPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "psql"))
            .FirstOrDefault(File.Exists);
        if (fromPath is not null)
        {
            return fromPath;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin", "psql"))
                .Where(File.Exists)
                .OrderByDescending(p => int.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(p))), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return debian ?? throw new MpgStandInException("psql not found on PATH nor in /usr/lib/postgresql/*/bin (install postgresql-client).");
    }

    private ProcessRunner Script(params string[] arguments) => _script.WithArguments(arguments);

    private static ProcessResult Succeeded(ProcessResult result) =>
        result.ExitCode == 0
            ? result
            : throw new MpgStandInException($"mpg-local.sh failed (exit code {result.ExitCode}).{Environment.NewLine}{result.Describe()}");
}
