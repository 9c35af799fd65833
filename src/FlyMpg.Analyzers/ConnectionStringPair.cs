namespace FlyMpg.Analyzers;

/// <summary>One keyword=value pair of a connection string, with the span of its whole segment (without the ';').</summary>
internal readonly struct ConnectionStringPair
{
    public ConnectionStringPair(string keyword, string value, int start, int length)
    {
        Keyword = keyword;
        Value = value;
        Start = start;
        Length = length;
    }

    /// <summary>The keyword as written, trimmed: "Max Auto Prepare".</summary>
    public string Keyword { get; }

    /// <summary>The keyword without spaces, lower case: "maxautoprepare".</summary>
    public string Normalized => ConnectionStringText.Normalize(Keyword);

    public string Value { get; }
    public int Start { get; }
    public int Length { get; }
}
