using System.Collections.Generic;
using System.Text;

namespace FlyMpg.Analyzers;

/// <summary>
/// Splits migration SQL into statements of tokens. Comments (-- and nested /* */) are dropped; string literals ('...',
/// E'...') and dollar-quoted bodies ($tag$...$tag$) become one literal token, so nothing inside them counts; quoted
/// identifiers keep their text. A ';' outside those ends a statement.
/// </summary>
internal static class SqlTokens
{
    public static List<List<SqlToken>> Statements(string sql)
    {
        var statements = new List<List<SqlToken>>();
        var current = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                var end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end + 1;
            }
            else if (c == '/' && next == '*')
            {
                i = BlockCommentEnd(sql, i);
            }
            else if (c == '\'' || ((c == 'E' || c == 'e') && next == '\''))
            {
                i = StringEnd(sql, c == '\'' ? i : i + 1, escapes: c != '\'');
                current.Add(new SqlToken("'", quoted: false, literal: true));
            }
            else if (c == '$' && TryDollarTag(sql, i, out var tag))
            {
                var end = sql.IndexOf(tag, i + tag.Length, System.StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + tag.Length;
                current.Add(new SqlToken("'", quoted: false, literal: true));
            }
            else if (c == '"')
            {
                var text = new StringBuilder();
                i++;
                while (i < sql.Length)
                {
                    if (sql[i] == '"')
                    {
                        if (i + 1 < sql.Length && sql[i + 1] == '"')
                        {
                            text.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    text.Append(sql[i++]);
                }

                current.Add(new SqlToken(text.ToString(), quoted: true, literal: false));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '_' || sql[i] == '$'))
                {
                    i++;
                }

                current.Add(new SqlToken(sql.Substring(start, i - start), quoted: false, literal: false));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] == '.'))
                {
                    i++;
                }

                current.Add(new SqlToken(sql.Substring(start, i - start), quoted: false, literal: true));
            }
            else if (c == ';')
            {
                if (current.Count > 0)
                {
                    statements.Add(current);
                    current = new List<SqlToken>();
                }

                i++;
            }
            else
            {
                if (c is '(' or ')' or ',' or '.')
                {
                    current.Add(new SqlToken(c.ToString(), quoted: false, literal: false));
                }

                i++;
            }
        }

        if (current.Count > 0)
        {
            statements.Add(current);
        }

        return statements;
    }

    /// <summary>Where the /* comment */ that starts at <paramref name="i"/> ends (comments nest in Postgres).</summary>
    public static int BlockCommentEnd(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return i;
    }

    /// <summary>Where the '...' literal whose quote is at <paramref name="quote"/> ends; <paramref name="escapes"/> for E'...' (backslash escapes).</summary>
    public static int StringEnd(string sql, int quote, bool escapes)
    {
        var j = quote + 1;
        while (j < sql.Length)
        {
            if (escapes && sql[j] == '\\')
            {
                j += 2;
                continue;
            }

            if (sql[j] == '\'')
            {
                if (j + 1 < sql.Length && sql[j + 1] == '\'')
                {
                    j += 2;
                    continue;
                }

                return j + 1;
            }

            j++;
        }

        return sql.Length;
    }

    /// <summary>$$ or $tag$ (a tag is an identifier) at <paramref name="start"/>; $1 is a parameter.</summary>
    public static bool TryDollarTag(string sql, int start, out string tag)
    {
        tag = string.Empty;
        var j = start + 1;
        while (j < sql.Length && (char.IsLetter(sql[j]) || sql[j] == '_' || (j > start + 1 && char.IsDigit(sql[j]))))
        {
            j++;
        }

        if (j < sql.Length && sql[j] == '$')
        {
            tag = sql.Substring(start, j - start + 1);
            return true;
        }

        return false;
    }
}
