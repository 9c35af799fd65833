using System;

namespace FlyMpg.Analyzers;

/// <summary>A table as a migration names it: EF's (name, schema) or SQL's [schema.]name; no schema and "public" are the same.</summary>
internal readonly struct TableName : IEquatable<TableName>
{
    public TableName(string? schema, string name)
    {
        Schema = string.IsNullOrEmpty(schema) || schema == "public" ? null : schema;
        Name = name;
    }

    public string? Schema { get; }

    public string Name { get; }

    public bool Equals(TableName other) => Schema == other.Schema && Name == other.Name;

    public override bool Equals(object? obj) => obj is TableName other && Equals(other);

    public override int GetHashCode() => ((Schema?.GetHashCode() ?? 0) * 397) ^ Name.GetHashCode();

    public override string ToString() => Schema is null ? Name : Schema + "." + Name;
}
