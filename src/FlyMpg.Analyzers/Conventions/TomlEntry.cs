namespace FlyMpg.Analyzers.Conventions;

/// <summary>A <c>key = value</c> of a TOML file.</summary>
/// <param name="Table">The table it is in (<c>deploy</c>, <c>http_service.checks</c>), empty at the top level.</param>
/// <param name="TableInstance">Which <c>[[array table]]</c> of that name holds it (0 for the first); 0 in a plain table.</param>
/// <param name="Key">The key, dotted keys joined with '.'.</param>
/// <param name="Value">A string's content, or the value as written (<c>8080</c>, <c>true</c>, <c>["app"]</c>).</param>
/// <param name="Line">Its line, 0-based.</param>
internal sealed class TomlEntry(string table, int tableInstance, string key, string value, int line)
{
    public string Table { get; } = table;

    public int TableInstance { get; } = tableInstance;

    public string Key { get; } = key;

    public string Value { get; } = value;

    public int Line { get; } = line;

    /// <summary>The table and the key: <c>deploy.release_command</c>.</summary>
    public string Path => Table.Length == 0 ? Key : Table + "." + Key;
}
