using System;
using System.Collections.Generic;
using System.Text;

namespace FlyMpg.Analyzers;

/// <summary>
/// Finds session-level statements in SQL text. Comments, string literals, dollar-quoted bodies and quoted identifiers are
/// blanked first, so words inside them never count; statements are then matched by their leading keywords.
/// </summary>
internal static class SqlText
{
    private static readonly string[] AdvisoryLockFunctions =
    {
        "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
    };

    public static List<SqlFinding> Find(string sql)
    {
        var findings = new List<SqlFinding>();
        var code = Mask(sql);
        foreach (var statement in code.Split(';'))
        {
            var words = Words(statement);
            FindAdvisoryLocks(words, findings);
            FindSessionStatement(words, findings);
        }

        return findings;
    }

    /// <summary>pg_advisory_lock → pg_advisory_xact_lock, pg_try_advisory_lock_shared → pg_try_advisory_xact_lock_shared.</summary>
    public static string TransactionScoped(string function) =>
        function.Replace("advisory_lock", "advisory_xact_lock");

    private static void FindAdvisoryLocks(List<string> words, List<SqlFinding> findings)
    {
        for (var i = 0; i < words.Count; i++)
        {
            foreach (var function in AdvisoryLockFunctions)
            {
                if (string.Equals(words[i], function, StringComparison.OrdinalIgnoreCase)
                    && i + 1 < words.Count && words[i + 1] == "(")
                {
                    findings.Add(new SqlFinding(function, TransactionScoped(function), isAdvisoryLock: true));
                }
            }
        }
    }

    private static void FindSessionStatement(List<string> words, List<SqlFinding> findings)
    {
        if (words.Count == 0)
        {
            return;
        }

        var first = words[0].ToUpperInvariant();
        var second = words.Count > 1 ? words[1].ToUpperInvariant() : string.Empty;
        switch (first)
        {
            case "LISTEN":
                findings.Add(new SqlFinding("LISTEN", "LISTEN needs a session: listen on the direct connection", false));
                break;
            case "SET":
                // SET LOCAL, SET TRANSACTION and SET CONSTRAINTS end with the transaction.
                if (second is not ("LOCAL" or "TRANSACTION" or "CONSTRAINTS"))
                {
                    findings.Add(new SqlFinding(second == "SESSION" ? "SET SESSION" : "SET", "use SET LOCAL inside a transaction", false));
                }

                break;
            case "DISCARD":
                findings.Add(new SqlFinding("DISCARD", "remove it: PgBouncer resets server connections itself", false));
                break;
            case "PREPARE":
                // PREPARE TRANSACTION is two-phase commit, not a prepared statement.
                if (second != "TRANSACTION")
                {
                    findings.Add(new SqlFinding("PREPARE", "send the statement unprepared", false));
                }

                break;
            case "CREATE":
                var at = 1;
                if (at < words.Count && words[at].ToUpperInvariant() is "GLOBAL" or "LOCAL")
                {
                    at++;
                }

                if (at + 1 < words.Count
                    && words[at].ToUpperInvariant() is "TEMP" or "TEMPORARY"
                    && words[at + 1].ToUpperInvariant() == "TABLE"
                    && !EndsWithCommitDrop(words))
                {
                    findings.Add(new SqlFinding("CREATE TEMP TABLE", "add ON COMMIT DROP and use the table inside one transaction", false));
                }

                break;
        }
    }

    private static bool EndsWithCommitDrop(List<string> words)
    {
        for (var i = 0; i + 2 < words.Count; i++)
        {
            if (string.Equals(words[i], "ON", StringComparison.OrdinalIgnoreCase)
                && string.Equals(words[i + 1], "COMMIT", StringComparison.OrdinalIgnoreCase)
                && string.Equals(words[i + 2], "DROP", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words (identifiers and keywords) and the punctuation "(" of a masked statement.</summary>
    private static List<string> Words(string statement)
    {
        var words = new List<string>();
        var i = 0;
        while (i < statement.Length)
        {
            var c = statement[i];
            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < statement.Length && (char.IsLetterOrDigit(statement[i]) || statement[i] == '_' || statement[i] == '$'))
                {
                    i++;
                }

                words.Add(statement.Substring(start, i - start));
                continue;
            }

            if (c == '(')
            {
                words.Add("(");
            }

            i++;
        }

        return words;
    }

    /// <summary>
    /// The SQL with comments (-- and nested /* */), string literals ('...', E'...'), dollar-quoted strings ($tag$...$tag$)
    /// and quoted identifiers ("...") replaced by spaces; length and statement separators outside them are kept.
    /// </summary>
    public static string Mask(string sql)
    {
        var result = new StringBuilder(sql);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = Blank(result, i, end < 0 ? sql.Length : end);
            }
            else if (c == '/' && next == '*')
            {
                i = Blank(result, i, SqlTokens.BlockCommentEnd(sql, i));
            }
            else if (c == '\'')
            {
                var escapes = i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e');
                i = Blank(result, i, SqlTokens.StringEnd(sql, i, escapes));
            }
            else if (c == '"')
            {
                var end = sql.IndexOf('"', i + 1);
                i = Blank(result, i, end < 0 ? sql.Length : end + 1);
            }
            else if (c == '$' && SqlTokens.TryDollarTag(sql, i, out var tag))
            {
                var end = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = Blank(result, i, end < 0 ? sql.Length : end + tag.Length);
            }
            else
            {
                i++;
            }
        }

        return result.ToString();
    }

    private static int Blank(StringBuilder text, int from, int to)
    {
        for (var k = from; k < to; k++)
        {
            if (text[k] != '\n')
            {
                text[k] = ' ';
            }
        }

        return to;
    }
}
