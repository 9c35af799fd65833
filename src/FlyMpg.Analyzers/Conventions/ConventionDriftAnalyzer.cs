using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace FlyMpg.Analyzers.Conventions;

/// <summary>
/// FLYMPG040-044: a service's fly.toml, Dockerfile, .dockerignore and local/pgbouncer-mpg.ini against the conventions of
/// the FlyMpg version it references (<see cref="PackConventions"/>). The FlyMpg package's build/FlyMpg.props gives the
/// compiler these files as additional files, each with the <c>FlyMpgConventionFile</c> metadata naming it, so
/// <c>dotnet build -warnaserror</c> fails on drift, with the file and line of each difference.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConventionDriftAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The metadata build/FlyMpg.props sets on each additional file, as the compiler passes it to analyzers.</summary>
    public const string FileMetadata = "build_metadata.AdditionalFiles.FlyMpgConventionFile";

    // An array, not five arguments: those bind to the ReadOnlySpan overload, whose System.Memory the analyzer does not reference.
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(new[]
    {
        FlyMpgDiagnostics.FlyTomlDrift,
        FlyMpgDiagnostics.DockerfileDrift,
        FlyMpgDiagnostics.DockerIgnoreDrift,
        FlyMpgDiagnostics.PgBouncerPolicyDrift,
        FlyMpgDiagnostics.PoolOverBudget,
    });

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationAction(Analyze);
    }

    private static void Analyze(CompilationAnalysisContext context)
    {
        var files = ConventionFiles(context.Options, context.CancellationToken);
        if (files.Count == 0)
        {
            return;
        }

        var pack = PackConventions.Current;
        var report = new DriftReport(context.ReportDiagnostic, pack.Version);
        files.TryGetValue("local/pgbouncer-mpg.ini", out var policyFile);
        var policy = policyFile is null ? pack.PgBouncerPolicy : IniDocument.Parse(policyFile.Lines);
        if (policyFile is not null)
        {
            PgBouncerPolicyConventions.Check(policyFile, policy, pack, report);
        }

        if (files.TryGetValue("fly.toml", out var flyToml))
        {
            var toml = TomlDocument.Parse(flyToml.Lines);
            FlyTomlConventions.Check(flyToml, toml, pack, report);
            PoolBudgetConventions.Check(flyToml, toml, policy, report);
        }

        if (files.TryGetValue("Dockerfile", out var dockerfile))
        {
            DockerfileConventions.Check(dockerfile, context.Compilation.AssemblyName ?? "App", pack, report);
        }

        if (files.TryGetValue(".dockerignore", out var dockerIgnore))
        {
            DockerIgnoreConventions.Check(dockerIgnore, pack, report);
        }
    }

    private static Dictionary<string, ConventionFile> ConventionFiles(AnalyzerOptions options, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, ConventionFile>();
        foreach (var additional in options.AdditionalFiles)
        {
            if (!options.AnalyzerConfigOptionsProvider.GetOptions(additional).TryGetValue(FileMetadata, out var name)
                || name is not ("fly.toml" or "Dockerfile" or ".dockerignore" or "local/pgbouncer-mpg.ini")
                || additional.GetText(cancellationToken) is not { } text)
            {
                continue;
            }

            files[name] = new ConventionFile(additional.Path, name, text, name.EndsWith(".ini", System.StringComparison.Ordinal) ? ';' : '#');
        }

        return files;
    }
}
