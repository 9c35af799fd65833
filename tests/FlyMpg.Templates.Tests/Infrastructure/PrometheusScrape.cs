using System.Globalization;
using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// One scrape of a Prometheus text exposition: its samples, by series name and labels. Only what the tests read:
/// sample lines <c>name{label="value",...} number [timestamp]</c>; comments (<c># HELP</c>, <c># TYPE</c>) are skipped.
/// </summary>
public sealed partial class PrometheusScrape
{
    private PrometheusScrape(string text, IReadOnlyList<PrometheusSample> samples)
    {
        Text = text;
        Samples = samples;
    }

    /// <summary>The scrape as served, for failure messages and the test output.</summary>
    public string Text { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public static PrometheusScrape Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var match = SampleLine().Match(line);
            if (!match.Success)
            {
                throw new FormatException($"Not a Prometheus sample line: {line}");
            }

            var labels = LabelPair().Matches(match.Groups["labels"].Value)
                .ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
            samples.Add(new PrometheusSample(match.Groups["name"].Value, labels, SampleValue(match.Groups["value"].Value)));
        }

        return new PrometheusScrape(text, samples);
    }

    // Prometheus spells infinities +Inf and -Inf; .NET parses NaN but not those.
    private static double SampleValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };

    /// <summary>The samples of series <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public IReadOnlyList<PrometheusSample> Series(string name, params (string Name, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();

    /// <summary>The one sample of <paramref name="name"/> with <paramref name="labels"/>; fails, with the scrape, if there is none or several.</summary>
    public double Value(string name, params (string Name, string Value)[] labels)
    {
        var series = Series(name, labels);
        Assert.True(series.Count == 1, $"{series.Count} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}} in the scrape:{Environment.NewLine}{Text}");
        return series[0].Value;
    }

    /// <summary>The lines of the scrape that name one of <paramref name="names"/>, for a readable excerpt in the test output.</summary>
    public string Excerpt(params string[] names) => string.Join(Environment.NewLine,
        Text.Split('\n').Where(line => !line.StartsWith('#') && names.Any(n => line.StartsWith(n, StringComparison.Ordinal))));

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+-?\d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"(?<name>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<value>(?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();
}
