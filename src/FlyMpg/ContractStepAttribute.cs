namespace FlyMpg;

/// <summary>
/// Marks a migration as the contract step of an expand/contract change: it drops columns or tables that the release
/// serving before this deploy no longer reads or writes (that release's code stopped using them in an earlier deploy).
/// The FlyMpg analyzers then do not report the drops it lists (FLYMPG022, FLYMPG023); any other drop is still reported.
/// <code>
/// [ContractStep("todos.title")]          // a column: "table.column" or "schema.table.column"
/// public partial class DropTodoTitle : Migration { ... }
/// </code>
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class ContractStepAttribute : Attribute
{
    /// <summary>Lists what the migration drops on purpose: "table", "schema.table", "table.column" or "schema.table.column".</summary>
    public ContractStepAttribute(params string[] dropped) => Dropped = dropped;

    /// <summary>The tables and columns the migration drops on purpose.</summary>
    public IReadOnlyList<string> Dropped { get; }
}
