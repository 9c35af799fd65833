using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql;

namespace FlyMpg.Commands;

/// <summary>
/// An index build CONCURRENTLY runs outside any transaction: when it fails (statement timeout, a duplicate in a unique
/// index, a lost connection) Postgres keeps the index, INVALID (maintained on every write, never used by a read), and
/// the migration is not recorded as applied, so the next migrate runs the same statement again and fails on the taken
/// name. Before it applies migrations, migrate drops the invalid indexes that a pending migration builds again, so that
/// migration resumes, and names any other invalid index.
/// </summary>
internal static partial class InvalidIndexes
{
    private const string CreatedConcurrently = "Npgsql:CreatedConcurrently";

    private const string FindInvalid = """
        SELECT n.nspname, i.relname, t.relname
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = i.relnamespace
        WHERE NOT x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        ORDER BY 1, 2
        """;

    /// <summary>The indexes the <paramref name="pending"/> migrations of <paramref name="db"/> build concurrently.</summary>
    public static IReadOnlyList<PendingIndex> BuiltConcurrentlyBy(DbContext db, IEnumerable<string> pending)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var provider = db.Database.ProviderName!;
        var indexes = new List<PendingIndex>();
        foreach (var id in pending)
        {
            if (!migrations.Migrations.TryGetValue(id, out var type))
            {
                continue;
            }

            foreach (var operation in migrations.CreateMigration(type, provider).UpOperations)
            {
                switch (operation)
                {
                    case CreateIndexOperation index when index[CreatedConcurrently] is true:
                        indexes.Add(new PendingIndex(id, index.Schema, index.Name));
                        break;
                    case SqlOperation sql:
                        indexes.AddRange(ConcurrentIndexBuild().Matches(sql.Sql).Select(m =>
                            new PendingIndex(id, Identifier(m, "schema"), Identifier(m, "name")!)));
                        break;
                }
            }
        }

        return indexes;
    }

    /// <summary>
    /// Drops each invalid index one of <paramref name="rebuilt"/> builds again (DROP INDEX CONCURRENTLY, without the
    /// session's lock timeout, which is set back to <paramref name="lockTimeoutMilliseconds"/>); names every other one
    /// when <paramref name="nameTheOthers"/> (once per migrate run).
    /// </summary>
    public static async Task RepairAsync(
        NpgsqlConnection connection, IReadOnlyList<PendingIndex> rebuilt, int lockTimeoutMilliseconds, bool nameTheOthers, ILogger logger, CancellationToken cancellationToken)
    {
        var invalid = new List<(string Schema, string Index, string Table)>();
        await using (var find = new NpgsqlCommand(FindInvalid, connection))
        await using (var reader = await find.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                invalid.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        foreach (var (schema, index, table) in invalid)
        {
            if (rebuilt.FirstOrDefault(p => p.Name == index && (p.Schema is null || p.Schema == schema)) is { } pending)
            {
                await MigrationSession.SetLockTimeoutAsync(connection, 0, cancellationToken);
                await using (var drop = new NpgsqlCommand($"DROP INDEX CONCURRENTLY IF EXISTS {Quote(schema)}.{Quote(index)}", connection))
                {
                    await drop.ExecuteNonQueryAsync(cancellationToken);
                }

                await MigrationSession.SetLockTimeoutAsync(connection, lockTimeoutMilliseconds, cancellationToken);
                logger.LogWarning(
                    "Dropped the invalid index {Schema}.{Index} on {Table}, left by a build CONCURRENTLY that failed earlier: {Migration} builds it again.",
                    schema, index, table, pending.Migration);
            }
            else if (nameTheOthers)
            {
                logger.LogWarning(
                    "Index {Schema}.{Index} on {Table} is INVALID (a build or rebuild CONCURRENTLY that failed): every write maintains it and no read uses it. Drop it (DROP INDEX CONCURRENTLY {Schema}.{Index}) or build it again.",
                    schema, index, table, schema, index);
            }
        }
    }

    // A quoted identifier keeps its case; Postgres folds an unquoted one to lower case.
    private static string? Identifier(Match match, string group) =>
        match.Groups["q" + group] is { Success: true } quoted ? quoted.Value
        : match.Groups[group] is { Success: true } plain ? plain.Value.ToLowerInvariant()
        : null;

    private static string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    // CREATE [UNIQUE] INDEX CONCURRENTLY [IF NOT EXISTS] [schema.]name, names quoted or not (an index without a name has none to find).
    [GeneratedRegex("""CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?(?!ON\s)(?:(?:"(?<qschema>[^"]+)"|(?<schema>[\w$]+))\s*\.\s*)?(?:"(?<qname>[^"]+)"|(?<name>[\w$]+))""", RegexOptions.IgnoreCase)]
    private static partial Regex ConcurrentIndexBuild();
}
