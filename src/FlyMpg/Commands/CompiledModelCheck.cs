using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace FlyMpg.Commands;

/// <summary>
/// Whether the model a context runs with (a compiled model from <c>dotnet ef dbcontext optimize</c>, when the service has
/// one) still describes the model its code builds (<c>OnModelCreating</c>, which migrations follow). A compiled model is
/// not rebuilt when the code changes: left stale, the service would read and write the tables as they were, whatever
/// the migrations made of them. <c>migrate</c> runs this before every deploy and refuses a stale one.
/// </summary>
internal static class CompiledModelCheck
{
    /// <summary>
    /// The first line of the code's model the compiled one lacks and the first line the compiled one has that the code's
    /// lacks ("(nothing)" when one side has all of the other's), or null when they describe the same tables (in any order).
    /// </summary>
    public static (string Running, string InCode)? FindDifference(DbContext db)
    {
        var running = Describe(db.Model);
        var inCode = Describe(db.GetService<IDesignTimeModel>().Model);
        var onlyRunning = running.Except(inCode).FirstOrDefault();
        var onlyInCode = inCode.Except(running).FirstOrDefault();
        return onlyRunning is null && onlyInCode is null ? null : (onlyRunning ?? "(nothing)", onlyInCode ?? "(nothing)");
    }

    // What the database work depends on, with the accessors a read-optimized (compiled) model keeps: tables, columns
    // and their facets, keys, indexes and foreign keys, in a stable order.
    internal static List<string> Describe(IModel model) =>
        model.GetEntityTypes().OrderBy(entity => entity.Name, StringComparer.Ordinal).SelectMany(entity => new[]
            {
                $"entity {entity.Name}: table {entity.GetSchema()}.{entity.GetTableName()}",
            }
            .Concat(entity.GetProperties().Select(p =>
                $"  property {p.Name}: {p.ClrType.Name}, column {p.GetColumnName()}, nullable {p.IsNullable}, max length {p.GetMaxLength()}, precision {p.GetPrecision()},{p.GetScale()}, generated {p.ValueGenerated}"))
            .Concat(entity.GetKeys().Select(key => $"  key {Names(key.Properties)}{(key.IsPrimaryKey() ? " (primary)" : "")}"))
            .Concat(entity.GetIndexes().Select(index => $"  index {index.GetDatabaseName()} on {Names(index.Properties)}, unique {index.IsUnique}"))
            .Concat(entity.GetForeignKeys().Select(fk => $"  foreign key {Names(fk.Properties)} -> {fk.PrincipalEntityType.Name}, on delete {fk.DeleteBehavior}")))
        .ToList();

    private static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(", ", properties.Select(p => p.Name));
}
