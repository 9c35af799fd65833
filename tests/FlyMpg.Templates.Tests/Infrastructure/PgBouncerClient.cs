namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A row of PgBouncer's <c>SHOW CLIENTS</c>; <see cref="Columns"/> has every column by name.</summary>
public sealed record PgBouncerClient(
    string Type,
    string User,
    string Database,
    string State,
    string Addr,
    int? Port,
    string ApplicationName,
    IReadOnlyDictionary<string, string> Columns);
