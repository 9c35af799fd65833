using System;
using System.Collections.Generic;
using System.Linq;

namespace FlyMpg.Analyzers;

/// <summary>
/// What a migration's <c>[ContractStep("table.column", "table")]</c> (FlyMpg.ContractStepAttribute) says it drops on
/// purpose: the contract step of an expand/contract change, once the release before it no longer uses them. Entries are
/// "table", "schema.table", "table.column" or "schema.table.column".
/// </summary>
internal sealed class ContractSteps
{
    private readonly HashSet<string> _dropped;

    public ContractSteps(IEnumerable<string> dropped) => _dropped = new HashSet<string>(dropped, StringComparer.OrdinalIgnoreCase);

    public static ContractSteps None { get; } = new(Enumerable.Empty<string>());

    /// <summary>True when the migration is marked as dropping <paramref name="table"/> (or its <paramref name="column"/>).</summary>
    public bool Covers(TableName table, string? column)
    {
        var suffix = column is null ? "" : "." + column;
        return _dropped.Contains(table.Name + suffix)
            || (table.Schema is { } schema && _dropped.Contains(schema + "." + table.Name + suffix))
            || (table.Schema is null && _dropped.Contains("public." + table.Name + suffix));
    }
}
