using System.Text;
using FlyMpg.Analyzers.Conventions;
using Microsoft.CodeAnalysis.Testing;

namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>
/// A service's convention files (fly.toml, Dockerfile, .dockerignore, local/pgbouncer-mpg.ini) given to
/// <see cref="ConventionDriftAnalyzer"/> as build/FlyMpg.props gives them: additional files with the
/// <c>FlyMpgConventionFile</c> metadata. Expected diagnostics are marked in the files' text, <c>{|FLYMPG040:line|}</c>.
/// </summary>
internal static class ConventionFiles
{
    /// <summary>The pack's own files, as the analyzer embeds them from templates/flympg-web.</summary>
    public static string FlyToml => PackConventions.Template("fly.toml");

    public static string Dockerfile => PackConventions.Template("Dockerfile");

    public static string DockerIgnore => PackConventions.Template(".dockerignore");

    public static string PgBouncerPolicy => PackConventions.Template("local/pgbouncer-mpg.ini");

    /// <summary>The version the messages name.</summary>
    public static string PackVersion => PackConventions.Current.Version;

    public static Task VerifyAsync(params (string Name, string Text)[] files) => VerifyAsync(files, []);

    public static Task VerifyAsync((string Name, string Text)[] files, params DiagnosticResult[] expected)
    {
        var test = new AnalyzerTest<ConventionDriftAnalyzer>("class Service { }");
        var config = new StringBuilder("is_global = true\n");
        foreach (var (name, text) in files)
        {
            var path = "/service/" + name;
            test.TestState.AdditionalFiles.Add((path, text));
            config.Append('[').Append(path).Append("]\n").Append(ConventionDriftAnalyzer.FileMetadata).Append(" = ").Append(name).Append('\n');
        }

        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", config.ToString()));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Replaces <paramref name="old"/>, which must be in <paramref name="text"/> (so an edited template fails the spec instead of passing it).</summary>
    public static string Edit(this string text, string old, string replacement)
    {
        Assert.True(text.Contains(old, StringComparison.Ordinal), $"the file no longer holds '{old}'");
        return text.Replace(old, replacement, StringComparison.Ordinal);
    }

    /// <summary>Marks the line that holds <paramref name="line"/> (whole, without its indentation) as where <paramref name="id"/> is expected.</summary>
    public static string Mark(this string text, string line, string id)
    {
        var trimmed = line.Trim();
        Assert.True(text.IndexOf(line, StringComparison.Ordinal) == text.LastIndexOf(line, StringComparison.Ordinal), $"'{line}' is in the file more than once");
        return text.Edit(line, line.Replace(trimmed, "{|" + id + ":" + trimmed + "|}", StringComparison.Ordinal));
    }
}
