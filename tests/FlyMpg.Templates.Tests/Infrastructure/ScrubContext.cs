namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// State shared by every file of one verification, so a value gets the same placeholder everywhere:
/// the first GUID seen (files in ordinal path order, then std-streams) becomes <c>{GUID-1}</c> in every file.
/// </summary>
public sealed class ScrubContext
{
    private readonly Dictionary<(string Kind, string Value), string> _placeholders = [];
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);

    /// <summary>The file being scrubbed, relative to the output folder, '/'-separated (<c>std-streams/stdout.txt</c> for the streams).</summary>
    public string RelativePath { get; internal set; } = string.Empty;

    /// <summary>The placeholder already given to <paramref name="value"/>, if any.</summary>
    public bool TryGetPlaceholder(string kind, string value, out string placeholder) =>
        _placeholders.TryGetValue((kind, value), out placeholder!);

    /// <summary><c>{KIND-n}</c>, the same n for the same value throughout the verification.</summary>
    public string Placeholder(string kind, string value)
    {
        if (!_placeholders.TryGetValue((kind, value), out var placeholder))
        {
            var n = _counters[kind] = _counters.GetValueOrDefault(kind) + 1;
            placeholder = _placeholders[(kind, value)] = $"{{{kind}-{n}}}";
        }

        return placeholder;
    }
}
