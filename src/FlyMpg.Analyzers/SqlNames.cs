using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers;

/// <summary>Identifiers and clauses written into the SQL a code fix puts in place of an EF operation, as Npgsql would write them.</summary>
internal static class SqlNames
{
    // Microsoft.EntityFrameworkCore.Migrations.ReferentialAction, by value; NoAction (0) is Postgres' default and is left out.
    private static readonly string?[] ReferentialActions = { null, "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT" };

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    public static string Table(TableName table) => Table(table.Schema, table.Name);

    public static string Table(string? schema, string name) => schema is null ? Quote(name) : Quote(schema) + "." + Quote(name);

    public static string List(IEnumerable<string> identifiers) => string.Join(", ", identifiers.Select(Quote));

    /// <summary>" ON DELETE CASCADE" for an <c>onDelete: ReferentialAction.Cascade</c> argument; "" for NoAction or a value not known at compile time.</summary>
    public static string Action(string clause, IOperation? value) =>
        value?.ConstantValue is { HasValue: true, Value: int action } && action > 0 && action < ReferentialActions.Length
            ? " " + clause + " " + ReferentialActions[action]
            : "";
}
