namespace FlyMpg.Analyzers;

/// <summary>One finding in a SQL text: what was found, and the fix the message names.</summary>
internal readonly struct SqlFinding
{
    public SqlFinding(string what, string fix, bool isAdvisoryLock)
    {
        What = what;
        Fix = fix;
        IsAdvisoryLock = isAdvisoryLock;
    }

    public string What { get; }
    public string Fix { get; }
    public bool IsAdvisoryLock { get; }
}
