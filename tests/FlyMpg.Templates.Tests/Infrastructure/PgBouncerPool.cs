namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A row of PgBouncer's <c>SHOW POOLS</c>; <see cref="Columns"/> has every column by name.</summary>
public sealed record PgBouncerPool(
    string Database,
    string User,
    int ClActive,
    int ClWaiting,
    int SvActive,
    int SvIdle,
    int SvUsed,
    int SvLogin,
    string PoolMode,
    IReadOnlyDictionary<string, string> Columns);
