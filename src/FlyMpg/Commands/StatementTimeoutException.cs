namespace FlyMpg.Commands;

/// <summary>Postgres cancelled a statement of <see cref="What"/> that ran longer than migrate's statement_timeout.</summary>
internal sealed class StatementTimeoutException(string what, Exception cancelled)
    : Exception($"{what} ran longer than the statement timeout", cancelled)
{
    /// <summary>What ran it: a migration's id, or a step's name.</summary>
    public string What { get; } = what;
}
