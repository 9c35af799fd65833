using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG017: removes the declaration of a connection string nothing reads, with the comment lines above it, then each local
/// declared before it in the same block that only it read and that only reads settings (<c>var database =
/// Configuration.GetSection("Database");</c>), so one run leaves nothing for the next.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveUnreadSettingCodeFixProvider)), Shared]
public sealed class RemoveUnreadSettingCodeFixProvider : CodeFixProvider
{
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.UnreadConnectionSettingId);

    public override FixAllProvider GetFixAllProvider() => SequentialFixAll.For(this);

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { Declaration.Variables.Count: 1, UsingKeyword.RawKind: 0 } statement)
            {
                context.RegisterCodeFix(
                    CodeAction.Create("Remove the connection string nothing reads", ct => RemoveAsync(context.Document, statement, ct), equivalenceKey: diagnostic.Id),
                    diagnostic);
            }
        }
    }

    internal static async Task<Document> RemoveAsync(Document document, LocalDeclarationStatementSyntax statement, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (model is null)
        {
            return document;
        }

        var types = KnownTypes.Create(model.Compilation);
        var removed = new List<LocalDeclarationStatementSyntax> { statement };
        var siblings = SiblingDeclarations(statement);
        for (var changed = true; changed;)
        {
            changed = false;
            foreach (var candidate in siblings.Where(s => !removed.Contains(s) && s.SpanStart < statement.SpanStart))
            {
                var declarator = candidate.Declaration.Variables[0];
                if (model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local
                    || declarator.Initializer is null
                    || model.GetOperation(declarator.Initializer.Value, cancellationToken) is not { } value
                    || !UnreadConnectionSettingAnalyzer.OnlyReadsSettings(value, types))
                {
                    continue;
                }

                var references = Scope(candidate).DescendantNodes().OfType<IdentifierNameSyntax>()
                    .Where(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, local))
                    .ToList();
                if (references.Count > 0 && references.All(r => removed.Any(s => s.Span.Contains(r.Span))))
                {
                    removed.Add(candidate);
                    changed = true;
                }
            }
        }

        // Removed last to first, each as FLYMPG006's fix removes a statement (its own comment lines, one blank line kept).
        var current = document;
        foreach (var declaration in removed.OrderByDescending(s => s.SpanStart))
        {
            var root = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root?.FindNode(declaration.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { } target)
            {
                current = await RemoveStatementCodeFixProvider.RemoveAsync(current, target, cancellationToken).ConfigureAwait(false);
            }
        }

        return current;
    }

    private static IReadOnlyList<LocalDeclarationStatementSyntax> SiblingDeclarations(LocalDeclarationStatementSyntax statement) =>
        statement.Parent is GlobalStatementSyntax global
            ? global.Parent!.ChildNodes().OfType<GlobalStatementSyntax>().Select(g => g.Statement).OfType<LocalDeclarationStatementSyntax>().ToList()
            : statement.Parent!.ChildNodes().OfType<LocalDeclarationStatementSyntax>().ToList();

    private static SyntaxNode Scope(LocalDeclarationStatementSyntax statement) =>
        statement.Parent is GlobalStatementSyntax global ? global.Parent! : statement.Parent!;
}
