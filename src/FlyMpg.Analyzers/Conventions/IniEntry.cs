namespace FlyMpg.Analyzers.Conventions;

/// <summary>A <c>key = value</c> line of a PgBouncer ini file, with its line (0-based) and the comment just above it, if any.</summary>
internal sealed class IniEntry(string key, string value, int line, string? comment)
{
    public string Key { get; } = key;

    public string Value { get; } = value;

    public int Line { get; } = line;

    /// <summary>The <c>;</c> comment line right above the key (<c>;;</c> headers excluded), without its <c>;</c>.</summary>
    public string? Comment { get; } = comment;
}
