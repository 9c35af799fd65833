namespace FlyMpg.Analyzers.Conventions;

/// <summary>One Dockerfile instruction: its keyword (upper case), its arguments as written, and its first line (0-based).</summary>
internal sealed class DockerInstruction(string keyword, string arguments, int line)
{
    public string Keyword { get; } = keyword;

    public string Arguments { get; } = arguments;

    public int Line { get; } = line;
}
