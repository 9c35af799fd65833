using System;

namespace FlyMpg.Analyzers;

/// <summary>
/// One token of migration SQL: a word (keyword or identifier; a quoted identifier keeps its case and never matches a
/// keyword), a string or number literal, or one punctuation character: ( ) , . ;
/// </summary>
internal readonly struct SqlToken
{
    public SqlToken(string text, bool quoted, bool literal)
    {
        Text = text;
        Quoted = quoted;
        Literal = literal;
    }

    public string Text { get; }

    /// <summary>A "quoted identifier".</summary>
    public bool Quoted { get; }

    /// <summary>A string ('...', E'...', $$...$$) or number literal.</summary>
    public bool Literal { get; }

    /// <summary>True for the unquoted keyword <paramref name="keyword"/> (any case).</summary>
    public bool Is(string keyword) => !Quoted && !Literal && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>An identifier as Postgres reads it: quoted ones as written, others in lower case.</summary>
    public string Identifier => Quoted ? Text : Text.ToLowerInvariant();

    public override string ToString() => Quoted ? $"\"{Text}\"" : Text;
}
