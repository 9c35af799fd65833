using System.Reflection;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers.Tests;

/// <summary>Every diagnostic is documented, tracked for release, and links to its section of docs/analyzers.md.</summary>
public sealed class DiagnosticCatalogTests
{
    public static TheoryData<string> Ids { get; } = new(Descriptors().Select(d => d.Id));

    private static IEnumerable<DiagnosticDescriptor> Descriptors() => typeof(FlyMpgDiagnostics)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!);

    private static DiagnosticDescriptor Descriptor(string id) => Descriptors().Single(d => d.Id == id);

    // FLYMPG001-018: PgBouncer, Hangfire, startup and bringing an existing service over; FLYMPG020-034: migration safety on deploys; FLYMPG040-044: drift
    // from the pack's conventions.
    [Fact]
    public void The_ids_are_distinct_and_numbered_in_their_ranges() =>
        Assert.Equal(
            Enumerable.Range(1, 18).Concat(Enumerable.Range(20, 15)).Concat(Enumerable.Range(40, 5)).Select(n => $"FLYMPG{n:000}"),
            Descriptors().Select(d => d.Id).OrderBy(i => i, StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_help_link_points_to_the_section_of_the_id(string id) =>
        Assert.Equal($"https://github.com/flympg/flympg/blob/main/docs/analyzers.md#{id.ToLowerInvariant()}", Descriptor(id).HelpLinkUri);

    [Theory]
    [MemberData(nameof(Ids))]
    public void Only_a_certain_finding_is_an_error(string id) =>
        Assert.Equal(
            id is FlyMpgDiagnostics.UrlConnectionStringId or FlyMpgDiagnostics.NotInTransactionId ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            Descriptor(id).DefaultSeverity);

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_docs_have_a_table_row_and_a_section_for_the_id(string id)
    {
        var docs = RepoFiles.Read("docs/analyzers.md");
        Assert.Contains($"| [{id}](#{id.ToLowerInvariant()}) |", docs);
        Assert.Contains($"\n## {id}", docs);
        Assert.Contains($"dotnet_diagnostic.{id}.severity = none", docs);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void The_release_tracking_file_lists_the_id_with_its_severity(string id)
    {
        var descriptor = Descriptor(id);
        var releases = RepoFiles.Read("src/FlyMpg.Analyzers/AnalyzerReleases.Unshipped.md");
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", releases);
    }

    // System.Collections.Immutable is part of Roslyn's own API (ImmutableArray): the compiler that loads the analyzer brings it.
    [Fact]
    public void The_analyzer_assembly_references_only_Microsoft_CodeAnalysis_and_netstandard() =>
        Assert.All(
            typeof(FlyMpgDiagnostics).Assembly.GetReferencedAssemblies(),
            reference => Assert.True(
                reference.Name is "netstandard" or "System.Collections.Immutable" || reference.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal),
                $"FlyMpg.Analyzers references {reference.Name}"));

    [Fact]
    public void The_code_fix_assembly_references_only_Roslyn_its_composition_attributes_and_the_analyzers() =>
        Assert.All(
            typeof(FlyMpg.Analyzers.CodeFixes.RemoveStatementCodeFixProvider).Assembly.GetReferencedAssemblies(),
            reference => Assert.True(
                reference.Name is "netstandard" or "System.Collections.Immutable" or "FlyMpg.Analyzers" or "System.Composition.AttributedModel"
                    || reference.Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal),
                $"FlyMpg.Analyzers.CodeFixes references {reference.Name}"));
}
