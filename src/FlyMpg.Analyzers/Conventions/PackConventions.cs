using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// The conventions of this FlyMpg version, read from the templates themselves: the analyzer assembly embeds the
/// flympg-web template's fly.toml, Dockerfile, .dockerignore and local/pgbouncer-mpg.ini (FlyMpg.Analyzers.csproj), so
/// what a service is compared with is what <c>dotnet new</c> of the same version writes, never a second copy.
/// Which of their lines are conventions is explicit here and in docs/analyzers.md (FLYMPG040-044).
/// </summary>
internal sealed class PackConventions
{
    /// <summary>The template's <c>sourceName</c>: the assembly name its Dockerfile's ENTRYPOINT carries.</summary>
    public const string TemplateAssemblyName = "Company.Service1";

    private static readonly Lazy<PackConventions> CurrentLazy = new(Load);

    private PackConventions(string version, TomlDocument flyToml, DockerfileDocument dockerfile, IReadOnlyList<string> dockerIgnore, IniDocument pgBouncerPolicy)
    {
        Version = version;
        var releaseCommand = flyToml.At("deploy.release_command").FirstOrDefault();
        ReleaseCommand = releaseCommand?.Value;
        HealthCheckPath = flyToml.At("http_service.checks.path").FirstOrDefault()?.Value;
        DockerUser = dockerfile.InFinalImage("USER")?.Arguments;
        DockerEntrypoint = dockerfile.InFinalImage("ENTRYPOINT")?.Arguments;
        DockerIgnorePatterns = ConventionGroup(dockerIgnore, FlyMpgDiagnostics.DockerIgnoreDriftId);
        PgBouncerPolicy = pgBouncerPolicy;
    }

    public static PackConventions Current => CurrentLazy.Value;

    /// <summary>The FlyMpg version these conventions ship with (the analyzer's, which is the package's).</summary>
    public string Version { get; }

    /// <summary>fly.toml's <c>[deploy] release_command</c>.</summary>
    public string? ReleaseCommand { get; }

    /// <summary>The <c>path</c> of fly.toml's <c>[[http_service.checks]]</c>.</summary>
    public string? HealthCheckPath { get; }

    /// <summary>The Dockerfile's <c>USER</c> in the final image.</summary>
    public string? DockerUser { get; }

    /// <summary>The Dockerfile's <c>ENTRYPOINT</c>, naming <see cref="TemplateAssemblyName"/>.</summary>
    public string? DockerEntrypoint { get; }

    /// <summary>The .dockerignore's patterns under the comment that names FLYMPG042 (local state and secrets), up to the next comment.</summary>
    public IReadOnlyList<string> DockerIgnorePatterns { get; }

    /// <summary>local/pgbouncer-mpg.ini: MPG's pooling policy, each key with the comment that gives its reason.</summary>
    public IniDocument PgBouncerPolicy { get; }

    /// <summary>Reads conventions from the given template files (the tests' near misses use it with edited copies).</summary>
    public static PackConventions From(string version, string flyToml, string dockerfile, string dockerIgnore, string pgBouncerPolicy) =>
        new(version, TomlDocument.Parse(Lines(flyToml)), DockerfileDocument.Parse(Lines(dockerfile)), Lines(dockerIgnore), IniDocument.Parse(Lines(pgBouncerPolicy)));

    // The lines of a file the template marks as conventions: those after the comment that names the diagnostic, up to the
    // next comment. The template says which of its lines count, in the file itself.
    private static IReadOnlyList<string> ConventionGroup(IReadOnlyList<string> lines, string diagnosticId)
    {
        var group = new List<string>();
        var inGroup = false;
        foreach (var line in lines.Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line[0] == '#')
            {
                if (group.Count > 0)
                {
                    break;
                }

                inGroup |= line.IndexOf(diagnosticId, StringComparison.Ordinal) >= 0;
            }
            else if (inGroup)
            {
                group.Add(line);
            }
        }

        return group;
    }

    internal static IReadOnlyList<string> Lines(string text) => text.Replace("\r\n", "\n").Split('\n');

    internal static string Template(string name)
    {
        using var stream = typeof(PackConventions).Assembly.GetManifestResourceStream("conventions/" + name)
            ?? throw new InvalidOperationException($"FlyMpg.Analyzers embeds no template file '{name}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static PackConventions Load()
    {
        var informational = typeof(PackConventions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "?";
        var plus = informational.IndexOf('+');
        return From(
            plus < 0 ? informational : informational.Substring(0, plus),
            Template("fly.toml"),
            Template("Dockerfile"),
            Template(".dockerignore"),
            Template("local/pgbouncer-mpg.ini"));
    }
}
