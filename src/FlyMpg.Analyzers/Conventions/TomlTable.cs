namespace FlyMpg.Analyzers.Conventions;

/// <summary>A <c>[table]</c> or <c>[[array table]]</c> header of a TOML file, with its line (0-based).</summary>
internal sealed class TomlTable(string name, bool isArray, int line)
{
    public string Name { get; } = name;

    public bool IsArray { get; } = isArray;

    public int Line { get; } = line;
}
