using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>FLYMPG018: seeding at startup moves behind <c>migrate</c> (<see cref="DeferToMigrate"/>).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DeferToMigrateCodeFixProvider)), Shared]
public sealed class DeferToMigrateCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.StartupWriteId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (DeferToMigrate.Create(context.Document, root, diagnostic) is { } action)
            {
                context.RegisterCodeFix(action, diagnostic);
            }
        }
    }
}
