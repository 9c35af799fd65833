using System.Text.RegularExpressions;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Rewrites a file's text before it is compared: <paramref name="context"/> knows the file and numbers placeholders.</summary>
public delegate string Scrubber(string text, ScrubContext context);

/// <summary>
/// TemplateVerifier-style scrubbers: general ones (every file and stream), by extension, and by path.
/// They run in the order added. Fluent: <c>new Scrubbers().AddGuidScrubber().AddLocalhostPortScrubber()</c>.
/// </summary>
public sealed partial class Scrubbers
{
    private readonly List<(Func<string, bool> Applies, Scrubber Scrub)> _rules = [];
    private readonly List<(Func<string, bool> Applies, Action<string, ScrubContext> Observe)> _observers = [];

    /// <summary>GUIDs, localhost ports in launchSettings.json and *.http, random-looking secrets.</summary>
    public static Scrubbers Default() => new Scrubbers()
        .AddGuidScrubber()
        .AddLocalhostPortScrubber()
        .AddSecretScrubber();

    /// <summary>Appends all of <paramref name="other"/>'s rules (and what they learn in <see cref="Prepare"/>) after this one's.</summary>
    public Scrubbers Add(Scrubbers other)
    {
        ArgumentNullException.ThrowIfNull(other);
        _rules.AddRange(other._rules);
        _observers.AddRange(other._observers);
        return this;
    }

    /// <summary>Applies to every file and to std-streams.</summary>
    public Scrubbers AddScrubber(Scrubber scrubber) => Add(_ => true, scrubber);

    public Scrubbers AddScrubber(Func<string, string> scrubber) => AddScrubber((text, _) => scrubber(text));

    /// <summary>Applies to files whose name ends with <paramref name="extension"/> (".cs", "cs", ".csproj"; case-insensitive).</summary>
    public Scrubbers AddScrubberByExtension(string extension, Scrubber scrubber)
    {
        var suffix = extension.StartsWith('.') ? extension : "." + extension;
        return Add(path => path.EndsWith(suffix, StringComparison.OrdinalIgnoreCase), scrubber);
    }

    public Scrubbers AddScrubberByExtension(string extension, Func<string, string> scrubber) =>
        AddScrubberByExtension(extension, (text, _) => scrubber(text));

    /// <summary>Applies to files whose relative path matches <paramref name="glob"/> (<c>*</c>, <c>**</c>, <c>?</c>, <c>[..]</c>; '/'-separated).</summary>
    public Scrubbers AddScrubberByPath(string glob, Scrubber scrubber)
    {
        var regex = Glob.ToRegex(glob);
        return Add(regex.IsMatch, scrubber);
    }

    public Scrubbers AddScrubberByPath(string glob, Func<string, string> scrubber) => AddScrubberByPath(glob, (text, _) => scrubber(text));

    /// <summary>Replaces every occurrence of a literal (e.g. a machine path) with a placeholder. Empty values are ignored.</summary>
    public Scrubbers AddReplacement(string value, string placeholder) =>
        string.IsNullOrEmpty(value) ? this : AddScrubber(text => text.Replace(value, placeholder, StringComparison.Ordinal));

    /// <summary>Every GUID (with or without braces, any case) becomes <c>{GUID-n}</c>, numbered by first appearance.</summary>
    public Scrubbers AddGuidScrubber() =>
        AddScrubber((text, context) => GuidPattern().Replace(text, m => context.Placeholder("GUID", m.Groups["guid"].Value.ToLowerInvariant())));

    /// <summary>
    /// The template engine picks the ports of <c>launchSettings.json</c> (and <c>*.http</c>) at random. Every localhost
    /// port found there becomes <c>{PORT-n}</c>, in those files and wherever else it appears as <c>localhost:port</c>
    /// (a README's <c>curl localhost:5123/...</c>). Fixed ports (5432, 6432 in appsettings or a README) stay visible.
    /// </summary>
    public Scrubbers AddLocalhostPortScrubber()
    {
        static bool IsPortSource(string path) =>
            path.EndsWith("launchSettings.json", StringComparison.Ordinal) || path.EndsWith(".http", StringComparison.OrdinalIgnoreCase);

        _observers.Add((IsPortSource, (text, context) =>
        {
            foreach (var m in LocalhostPortPattern().Matches(text).Concat(SslPortPattern().Matches(text)))
            {
                context.Placeholder("PORT", m.Groups["port"].Value);
            }
        }));

        AddScrubber((text, context) => LocalhostPortPattern().Replace(text, m =>
            context.TryGetPlaceholder("PORT", m.Groups["port"].Value, out var port) ? m.Groups["host"].Value + ":" + port : m.Value));
        return Add(IsPortSource, (text, context) => SslPortPattern().Replace(text, m =>
            context.TryGetPlaceholder("PORT", m.Groups["port"].Value, out var port) ? m.Groups["key"].Value + "\"" + port + "\"" : m.Value));
    }

    /// <summary>
    /// Lets rules learn values before any file is scrubbed (the random ports of launchSettings.json), so every
    /// file gets the same placeholders whatever its order. Call once per verification, with every text file.
    /// </summary>
    public void Prepare(IEnumerable<(string RelativePath, string Text)> files, ScrubContext context)
    {
        var list = files.OrderBy(f => f.RelativePath, StringComparer.Ordinal).ToList();
        foreach (var (applies, observe) in _observers)
        {
            foreach (var (path, text) in list.Where(f => applies(f.RelativePath)))
            {
                context.RelativePath = path;
                observe(text, context);
            }
        }
    }

    /// <summary>
    /// Values of password/secret/token/api-key settings that look generated (16+ characters mixing letters and digits)
    /// become <c>{SECRET-n}</c>. Fixed placeholders such as <c>postgres</c> or <c>changeme</c> stay visible, so a
    /// snapshot still shows what the template writes.
    /// </summary>
    public Scrubbers AddSecretScrubber() =>
        AddScrubber((text, context) => SecretAssignmentPattern().Replace(text, m =>
        {
            var value = m.Groups["value"].Value;
            return LooksGenerated(value)
                ? m.Value.Replace(value, context.Placeholder("SECRET", value), StringComparison.Ordinal)
                : m.Value;
        }));

    /// <summary>Runs every rule that applies to <paramref name="relativePath"/>, in the order added.</summary>
    public string Apply(string relativePath, string text, ScrubContext context)
    {
        context.RelativePath = relativePath;
        foreach (var (applies, scrub) in _rules)
        {
            if (applies(relativePath))
            {
                text = scrub(text, context);
            }
        }

        return text;
    }

    internal static bool LooksGenerated(string value) =>
        value.Length >= 16
        && value.Any(char.IsLetter)
        && value.Any(char.IsDigit)
        && !value.Contains('{') && !value.Contains('<') && !value.Contains('$');

    private Scrubbers Add(Func<string, bool> applies, Scrubber scrubber)
    {
        ArgumentNullException.ThrowIfNull(scrubber);
        _rules.Add((applies, scrubber));
        return this;
    }

    [GeneratedRegex(@"(?<![0-9A-Fa-f-])\{?(?<guid>[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})\}?(?![0-9A-Fa-f-])")]
    private static partial Regex GuidPattern();

    [GeneratedRegex(@"(?<host>\b(?:localhost|127\.0\.0\.1)|\[::1\]):(?<port>\d{2,5})\b")]
    private static partial Regex LocalhostPortPattern();

    [GeneratedRegex(@"(?<key>""sslPort""\s*:\s*)(?<port>\d{2,5})\b")]
    private static partial Regex SslPortPattern();

    [GeneratedRegex(@"(?ix)(?:password|passwd|pwd|secret|token|api[_-]?key)[""']?\s*(?:=|:)\s*[""']?(?<value>[^\s""';&,]+)")]
    private static partial Regex SecretAssignmentPattern();
}
