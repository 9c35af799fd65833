using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace FlyMpg.Analyzers;

/// <summary>
/// The migration safety rules (FLYMPG020-034) on SQL given to <c>migrationBuilder.Sql(...)</c>: each statement is read by
/// its leading keywords (ALTER TABLE with each of its actions, CREATE INDEX, DROP TABLE, ALTER SCHEMA, ALTER TYPE, and
/// the statements that cannot run in a transaction). A table created earlier in the same migration is new: nothing on
/// it is reported.
/// </summary>
internal static class MigrationSqlRules
{
    /// <summary>Diagnostic property: the SQL finding can be fixed by passing suppressTransaction: true.</summary>
    public const string SuppressTransactionFixProperty = "SuppressTransactionFix";

    // Functions Postgres marks VOLATILE that are used as column defaults: a default that calls one is computed per row,
    // so ADD COLUMN rewrites the table. now()/CURRENT_TIMESTAMP are STABLE: stored once, no rewrite.
    private static readonly HashSet<string> VolatileFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4", "uuidv4", "uuidv7",
        "clock_timestamp", "timeofday", "nextval", "txid_current",
    };

    private static readonly HashSet<string> SerialTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "serial", "bigserial", "smallserial", "serial2", "serial4", "serial8",
    };

    // Words that end a column's type and start its constraints in ADD COLUMN.
    private static readonly HashSet<string> ColumnConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "DEFAULT", "NOT", "NULL", "CONSTRAINT", "CHECK", "UNIQUE", "PRIMARY", "REFERENCES", "GENERATED", "COLLATE",
    };

    /// <summary>The tables <paramref name="sql"/> creates (CREATE TABLE, not temporary ones).</summary>
    public static IEnumerable<TableName> CreatedTables(string sql)
    {
        foreach (var s in SqlTokens.Statements(sql))
        {
            var i = 0;
            if (!Take(s, ref i, "CREATE"))
            {
                continue;
            }

            Take(s, ref i, "UNLOGGED");
            if (Take(s, ref i, "TABLE"))
            {
                TakeAll(s, ref i, "IF", "NOT", "EXISTS");
                if (ReadName(s, ref i) is { } table)
                {
                    yield return table;
                }
            }
        }
    }

    /// <summary>The findings of <paramref name="sql"/>, given to <c>Sql(sql, suppressTransaction)</c> in a migration whose new tables are <paramref name="newTables"/>.</summary>
    public static List<MigrationFinding> Find(string sql, bool suppressTransaction, ISet<TableName> newTables, ContractSteps contract)
    {
        var findings = new List<MigrationFinding>();
        var statements = SqlTokens.Statements(sql);
        foreach (var s in statements)
        {
            if (OutsideTransactionOnly(s) is { } what)
            {
                if (!suppressTransaction)
                {
                    var fixable = statements.Count == 1
                        ? ImmutableDictionary<string, string?>.Empty.Add(SuppressTransactionFixProperty, "true")
                        : null;
                    findings.Add(new MigrationFinding(FlyMpgDiagnostics.NotInTransaction, [what, "and EF Core runs migrationBuilder.Sql(...) inside the migration's transaction unless told otherwise"], fixable));
                }
                else if (statements.Count > 1)
                {
                    findings.Add(new MigrationFinding(FlyMpgDiagnostics.NotInTransaction, [what, "and the other statements of the same Sql(...) call run with it as one implicit transaction"]));
                }
            }

            var i = 0;
            if (TakeAll(s, ref i, "ALTER", "TABLE"))
            {
                AlterTable(s, i, newTables, contract, findings);
            }
            else if (Take(s, ref i, "CREATE"))
            {
                CreateIndex(s, i, newTables, findings);
            }
            else if (TakeAll(s, ref i, "DROP", "TABLE"))
            {
                TakeAll(s, ref i, "IF", "EXISTS");
                do
                {
                    if (ReadName(s, ref i) is { } table && !newTables.Contains(table) && !contract.Covers(table, null))
                    {
                        findings.Add(new MigrationFinding(FlyMpgDiagnostics.DroppedTable, ["DROP TABLE", table.ToString()]));
                    }
                }
                while (Take(s, ref i, ","));
            }
            else if (TakeAll(s, ref i, "ALTER", "SCHEMA") && ReadName(s, ref i) is { } schema && TakeAll(s, ref i, "RENAME", "TO"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.RenamedTable, [
                    "ALTER SCHEMA ... RENAME TO", $"schema '{schema}'",
                    "keep the schema's name, or create the new schema beside it and move the tables over two deploys (expand and contract)"]));
            }
            else if (TakeAll(s, ref i, "ALTER", "TYPE") && ReadName(s, ref i) is { } type && TakeAll(s, ref i, "RENAME", "VALUE"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.RenamedTable, [
                    "ALTER TYPE ... RENAME VALUE", $"a value of enum '{type}'",
                    "add the new value (ALTER TYPE ... ADD VALUE), deploy code that writes it and reads both, then update the rows in a later migration"]));
            }
        }

        return findings;
    }

    // CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX ... CONCURRENTLY, VACUUM: Postgres refuses them in a transaction block.
    private static string? OutsideTransactionOnly(List<SqlToken> s)
    {
        var i = 0;
        if (Take(s, ref i, "VACUUM"))
        {
            return "VACUUM";
        }

        var concurrently = s.Any(t => t.Is("CONCURRENTLY"));
        if (!concurrently)
        {
            return null;
        }

        i = 0;
        if (Take(s, ref i, "CREATE"))
        {
            Take(s, ref i, "UNIQUE");
            return Take(s, ref i, "INDEX") && Take(s, ref i, "CONCURRENTLY") ? "CREATE INDEX CONCURRENTLY" : null;
        }

        i = 0;
        if (TakeAll(s, ref i, "DROP", "INDEX", "CONCURRENTLY"))
        {
            return "DROP INDEX CONCURRENTLY";
        }

        i = 0;
        return Take(s, ref i, "REINDEX") ? "REINDEX CONCURRENTLY" : null;
    }

    private static void CreateIndex(List<SqlToken> s, int i, ISet<TableName> newTables, List<MigrationFinding> findings)
    {
        Take(s, ref i, "UNIQUE");
        if (!Take(s, ref i, "INDEX") || Take(s, ref i, "CONCURRENTLY"))
        {
            return;
        }

        TakeAll(s, ref i, "IF", "NOT", "EXISTS");
        var name = "(unnamed)";
        if (!At(s, i, "ON"))
        {
            name = ReadName(s, ref i)?.Name ?? name;
        }

        if (!Take(s, ref i, "ON"))
        {
            return;
        }

        Take(s, ref i, "ONLY");
        if (ReadName(s, ref i) is { } table && !newTables.Contains(table))
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.NonConcurrentIndex, [
                "CREATE INDEX", name, table.ToString(), "CREATE INDEX CONCURRENTLY, in a Sql(...) call with suppressTransaction: true"]));
        }
    }

    private static void AlterTable(List<SqlToken> s, int i, ISet<TableName> newTables, ContractSteps contract, List<MigrationFinding> findings)
    {
        TakeAll(s, ref i, "IF", "EXISTS");
        Take(s, ref i, "ONLY");
        if (ReadName(s, ref i) is not { } table || newTables.Contains(table))
        {
            return;
        }

        foreach (var action in Actions(s, i))
        {
            AlterTableAction(table, action, contract, findings);
        }
    }

    private static void AlterTableAction(TableName table, List<SqlToken> a, ContractSteps contract, List<MigrationFinding> findings)
    {
        var i = 0;
        if (Take(a, ref i, "RENAME"))
        {
            if (Take(a, ref i, "TO"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.RenamedTable, [
                    "ALTER TABLE ... RENAME TO", $"table '{table}'", RenamedTableRecipe(table)]));
            }
            else if (!At(a, i, "CONSTRAINT"))
            {
                Take(a, ref i, "COLUMN");
                var column = i < a.Count ? a[i].Identifier : "?";
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.RenamedColumn, ["ALTER TABLE ... RENAME COLUMN", $"{table}.{column}", column]));
            }
        }
        else if (TakeAll(a, ref i, "SET", "SCHEMA"))
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.RenamedTable, ["ALTER TABLE ... SET SCHEMA", $"table '{table}' (moves it to another schema)", RenamedTableRecipe(table)]));
        }
        else if (Take(a, ref i, "DROP") && !At(a, i, "CONSTRAINT"))
        {
            Take(a, ref i, "COLUMN");
            TakeAll(a, ref i, "IF", "EXISTS");
            var column = i < a.Count ? a[i].Identifier : "?";
            if (!contract.Covers(table, column))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.DroppedColumn, ["ALTER TABLE ... DROP COLUMN", $"{table}.{column}"]));
            }
        }
        else if (Take(a, ref i, "ALTER"))
        {
            Take(a, ref i, "COLUMN");
            var column = i < a.Count ? a[i++].Identifier : "?";
            if (TakeAll(a, ref i, "SET", "NOT", "NULL"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.NotNullOnExistingColumn, ["ALTER COLUMN ... SET NOT NULL", $"{table}.{column}", column]));
            }
            else if (TakeAll(a, ref i, "SET", "DATA", "TYPE") || Take(a, ref i, "TYPE"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.ColumnTypeChange, [
                    "ALTER COLUMN ... TYPE", $"{table}.{column}", $"to {Text(a, i, ColumnConstraintWords)}"]));
            }
        }
        else if (Take(a, ref i, "ADD"))
        {
            AddToTable(table, a, i, findings);
        }
    }

    private static void AddToTable(TableName table, List<SqlToken> a, int i, List<MigrationFinding> findings)
    {
        var constraintName = "(unnamed)";
        if (Take(a, ref i, "CONSTRAINT") && i < a.Count)
        {
            constraintName = a[i++].Identifier;
        }

        var notValid = ContainsAll(a, "NOT", "VALID");
        if (TakeAll(a, ref i, "FOREIGN", "KEY"))
        {
            if (!notValid)
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.ValidatedForeignKey, ["ADD FOREIGN KEY", constraintName, table.ToString()]));
            }
        }
        else if (Take(a, ref i, "CHECK"))
        {
            if (!notValid)
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.ValidatedCheckConstraint, ["ADD CHECK", constraintName, table.ToString()]));
            }
        }
        else if (At(a, i, "UNIQUE") || At(a, i, "PRIMARY"))
        {
            if (!ContainsAll(a, "USING", "INDEX"))
            {
                findings.Add(new MigrationFinding(FlyMpgDiagnostics.IndexBackedConstraint, [
                    At(a, i, "UNIQUE") ? "ADD UNIQUE" : "ADD PRIMARY KEY", $"constraint '{constraintName}'", table.ToString(), UniqueRecipe]));
            }
        }
        else if (At(a, i, "EXCLUDE"))
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.IndexBackedConstraint, ["ADD EXCLUDE", $"exclusion constraint '{constraintName}'", table.ToString(), ExclusionRecipe]));
        }
        else
        {
            Take(a, ref i, "COLUMN");
            TakeAll(a, ref i, "IF", "NOT", "EXISTS");
            if (i < a.Count)
            {
                AddColumn(table, a[i].Identifier, a, i + 1, findings);
            }
        }
    }

    private static void AddColumn(TableName table, string column, List<SqlToken> a, int typeAt, List<MigrationFinding> findings)
    {
        var type = typeAt < a.Count ? a[typeAt] : default;
        var what = "ADD COLUMN";
        var tableText = table.ToString();
        if (type.Text is not null && type.Is("json"))
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.JsonColumn, [what, $"{tableText}.{column}"]));
        }

        var generated = IndexOf(a, "GENERATED", typeAt);
        var hasDefault = IndexOf(a, "DEFAULT", typeAt) is var d && d >= 0;
        if (type.Text is not null && SerialTypes.Contains(type.Text) && !type.Quoted)
        {
            findings.Add(Rewrite(what, column, $"type {type.Text}", tableText, IdentityRecipe));
        }
        else if (generated >= 0 && a.Skip(generated).Any(t => t.Is("IDENTITY")))
        {
            findings.Add(Rewrite(what, column, "GENERATED ... AS IDENTITY", tableText, IdentityRecipe));
        }
        else if (generated >= 0 && a.Skip(generated).Any(t => t.Is("STORED")))
        {
            findings.Add(Rewrite(what, column, "GENERATED ALWAYS AS (...) STORED", tableText, StoredGeneratedRecipe));
        }
        else if (hasDefault && VolatileCall(a.Skip(d + 1)) is { } function)
        {
            findings.Add(Rewrite(what, column, $"the volatile default {function}()", tableText, VolatileDefaultRecipe));
        }
        else if (!hasDefault && generated < 0 && ContainsAll(a, "NOT", "NULL"))
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.RequiredColumnWithoutDefault, [what, $"{tableText}.{column}", tableText]));
        }

        if (IndexOf(a, "REFERENCES", typeAt) >= 0)
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.ValidatedForeignKey, [$"{what} ... REFERENCES", $"(on {column})", tableText]));
        }

        if (IndexOf(a, "CHECK", typeAt) >= 0)
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.ValidatedCheckConstraint, [$"{what} ... CHECK", $"(on {column})", tableText]));
        }

        if (IndexOf(a, "UNIQUE", typeAt) >= 0 || IndexOf(a, "PRIMARY", typeAt) >= 0)
        {
            findings.Add(new MigrationFinding(FlyMpgDiagnostics.IndexBackedConstraint, [$"{what} ... UNIQUE", $"a unique or primary key constraint on column '{column}'", tableText, UniqueRecipe]));
        }
    }

    /// <summary>serial, bigserial, smallserial and their aliases: an auto-incrementing column.</summary>
    public static bool IsSerialType(string type) => SerialTypes.Contains(type.Trim());

    /// <summary>The first volatile function <paramref name="expression"/> calls (random, gen_random_uuid, clock_timestamp, nextval...), or null.</summary>
    public static string? VolatileCall(string expression) =>
        SqlTokens.Statements(expression).Select(VolatileCall).FirstOrDefault(function => function is not null);

    private static string? VolatileCall(IEnumerable<SqlToken> tokens)
    {
        var list = tokens.ToList();
        for (var i = 0; i + 1 < list.Count; i++)
        {
            if (!list[i].Quoted && !list[i].Literal && VolatileFunctions.Contains(list[i].Text) && list[i + 1].Text == "(")
            {
                return list[i].Text;
            }
        }

        return null;
    }

    public const string UniqueRecipe =
        "build a unique index CONCURRENTLY in a migration of its own, then add the constraint with it (ALTER TABLE ... ADD CONSTRAINT ... UNIQUE USING INDEX ...), which takes no time";

    public const string ExclusionRecipe =
        "no form of it avoids the lock (it cannot be added NOT VALID): add it while the table is small, or at a time when the release that is serving can wait";

    public const string IdentityRecipe =
        "create a new table with the column and move the rows over (expand and contract), or add a plain column, fill it in batches and set its default afterwards";

    public const string StoredGeneratedRecipe =
        "add a plain column, fill it from the app or a trigger, and backfill existing rows in batches";

    public const string VolatileDefaultRecipe =
        "add it without a default, then set the default, which applies to new rows only (ALTER COLUMN ... SET DEFAULT; EF: AlterColumn with defaultValueSql), and backfill existing rows in batches";

    public static string RenamedTableRecipe(TableName table) =>
        $"keep the table's name and map the entity to it (ToTable(\"{table.Name}\")), or expand and contract over two deploys: create the new table, write both and backfill, move reads, then drop the old one in a later deploy";

    private static MigrationFinding Rewrite(string what, string column, string why, string table, string recipe) =>
        new(FlyMpgDiagnostics.TableRewriteColumn, [what, column, why, table, recipe]);

    /// <summary>The comma-separated actions of an ALTER TABLE, from <paramref name="start"/>; commas inside parentheses do not split.</summary>
    private static IEnumerable<List<SqlToken>> Actions(List<SqlToken> s, int start)
    {
        var action = new List<SqlToken>();
        var depth = 0;
        for (var i = start; i < s.Count; i++)
        {
            var t = s[i];
            if (t.Text == "(" && !t.Quoted && !t.Literal)
            {
                depth++;
            }
            else if (t.Text == ")" && !t.Quoted && !t.Literal)
            {
                depth--;
            }
            else if (t.Text == "," && depth == 0 && !t.Quoted && !t.Literal)
            {
                yield return action;
                action = new List<SqlToken>();
                continue;
            }

            action.Add(t);
        }

        if (action.Count > 0)
        {
            yield return action;
        }
    }

    /// <summary>[schema.]name at <paramref name="i"/>, moving past it; null when there is no identifier there.</summary>
    private static TableName? ReadName(List<SqlToken> s, ref int i)
    {
        if (i >= s.Count || s[i].Literal || s[i].Text is "(" or ")" or "," or ".")
        {
            return null;
        }

        var first = s[i++].Identifier;
        if (i + 1 < s.Count && s[i].Text == "." && !s[i].Quoted)
        {
            var second = s[i + 1].Identifier;
            i += 2;
            return new TableName(first, second);
        }

        return new TableName(null, first);
    }

    private static string Text(List<SqlToken> s, int from, HashSet<string> stopWords)
    {
        var words = new List<string>();
        for (var i = from; i < s.Count && !(stopWords.Contains(s[i].Text) && !s[i].Quoted) && !s[i].Is("USING"); i++)
        {
            words.Add(s[i].ToString());
        }

        return string.Join(" ", words).Replace(" ( ", "(").Replace(" )", ")").Replace(" , ", ",");
    }

    private static bool At(List<SqlToken> s, int i, string keyword) => i < s.Count && s[i].Is(keyword);

    private static bool Take(List<SqlToken> s, ref int i, string keyword)
    {
        if (!At(s, i, keyword))
        {
            return false;
        }

        i++;
        return true;
    }

    private static bool TakeAll(List<SqlToken> s, ref int i, params string[] keywords)
    {
        for (var k = 0; k < keywords.Length; k++)
        {
            if (!At(s, i + k, keywords[k]))
            {
                return false;
            }
        }

        i += keywords.Length;
        return true;
    }

    private static bool ContainsAll(List<SqlToken> s, params string[] keywords)
    {
        for (var i = 0; i + keywords.Length <= s.Count; i++)
        {
            var j = i;
            if (TakeAll(s, ref j, keywords))
            {
                return true;
            }
        }

        return false;
    }

    private static int IndexOf(List<SqlToken> s, string keyword, int from)
    {
        for (var i = from; i < s.Count; i++)
        {
            if (s[i].Is(keyword))
            {
                return i;
            }
        }

        return -1;
    }
}
