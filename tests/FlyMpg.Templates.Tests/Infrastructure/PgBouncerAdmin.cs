using System.Globalization;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// Queries PgBouncer's admin console. The console speaks only the simple query protocol and Npgsql
/// always uses the extended one (seen here: Npgsql 10.0.3 gets <c>08P01: extended query protocol not
/// supported by admin console</c>, even with <c>Server Compatibility Mode=NoTypeLoading</c>), so this
/// runs psql in unaligned mode and parses its output by column name.
/// </summary>
public static class PgBouncerAdmin
{
    private const char Separator = '\u001f'; // ASCII unit separator: cannot clash with a value

    private static readonly TimeSpan PsqlTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Runs one admin command (<c>SHOW CLIENTS</c>, <c>SHOW POOLS</c>, <c>SHOW CONFIG</c>, ...) and returns its rows by column name.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> QueryAsync(
        PgBouncerPooler pooler, string command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pooler);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var admin = MpgStandIn.ConnectionStringFromUrl(pooler.AdminUrl);
        var conninfo = string.Create(
            CultureInfo.InvariantCulture,
            $"host={admin.Host} port={admin.Port} user={admin.Username} dbname={admin.Database} connect_timeout=5 application_name=flympg-tests-admin");
        var result = await new ProcessRunner(MpgStandIn.FindPsql())
            .WithArguments("-X", "-w", "-A", "-F", Separator.ToString(), "-P", "footer=off", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-c", command)
            .WithEnvironment("PGPASSWORD", admin.Password ?? "")
            .Masking(admin.Password)
            .WithTimeout(PsqlTimeout)
            .RunSuccessfullyAsync(cancellationToken)
            .ConfigureAwait(false);
        return Parse(result.StdOut);
    }

    public static async Task<IReadOnlyList<PgBouncerClient>> ShowClientsAsync(PgBouncerPooler pooler, CancellationToken cancellationToken = default) =>
        (await QueryAsync(pooler, "SHOW CLIENTS", cancellationToken).ConfigureAwait(false))
        .Select(row => new PgBouncerClient(
            Get(row, "type"),
            Get(row, "user"),
            Get(row, "database"),
            Get(row, "state"),
            Get(row, "addr"),
            int.TryParse(Get(row, "port"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var port) ? port : null,
            Get(row, "application_name"),
            row))
        .ToList();

    public static async Task<IReadOnlyList<PgBouncerPool>> ShowPoolsAsync(PgBouncerPooler pooler, CancellationToken cancellationToken = default) =>
        (await QueryAsync(pooler, "SHOW POOLS", cancellationToken).ConfigureAwait(false))
        .Select(row => new PgBouncerPool(
            Get(row, "database"),
            Get(row, "user"),
            GetInt(row, "cl_active"),
            GetInt(row, "cl_waiting"),
            GetInt(row, "sv_active"),
            GetInt(row, "sv_idle"),
            GetInt(row, "sv_used"),
            GetInt(row, "sv_login"),
            Get(row, "pool_mode"),
            row))
        .ToList();

    /// <summary><c>SHOW CONFIG</c> as key to current value.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> ShowConfigAsync(PgBouncerPooler pooler, CancellationToken cancellationToken = default) =>
        (await QueryAsync(pooler, "SHOW CONFIG", cancellationToken).ConfigureAwait(false))
        .ToDictionary(row => Get(row, "key"), row => Get(row, "value"), StringComparer.Ordinal);

    /// <summary>Parses psql's unaligned output (header line, then one line per row).</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Parse(string psqlOutput)
    {
        var lines = psqlOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.TrimEnd('\r'))
            .Where(l => l.Length > 0)
            .ToList();
        if (lines.Count == 0)
        {
            return [];
        }

        var header = lines[0].Split(Separator);
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            var fields = line.Split(Separator);
            if (fields.Length != header.Length)
            {
                throw new FormatException($"psql row has {fields.Length} fields, header has {header.Length}: {line}");
            }

            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Length; i++)
            {
                row[header[i]] = fields[i];
            }

            rows.Add(row);
        }

        return rows;
    }

    private static string Get(IReadOnlyDictionary<string, string> row, string column) =>
        row.TryGetValue(column, out var value) ? value : "";

    private static int GetInt(IReadOnlyDictionary<string, string> row, string column) =>
        int.TryParse(Get(row, column), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : 0;
}
