namespace FlyMpg.Commands;

/// <summary>An index a pending migration builds CONCURRENTLY: <paramref name="Schema"/> is null when the migration leaves it to the table's.</summary>
internal sealed record PendingIndex(string Migration, string? Schema, string Name);
