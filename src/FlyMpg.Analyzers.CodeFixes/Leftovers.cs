using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// What a conversion leaves behind in the document it changed: a local holding a connection string that nothing reads any
/// more (FLYMPG017's finding), removed with the settings that only fed it. Run at the end of the fixes that take a connection
/// string's last reader away (AddFlyPostgres, AddFlyHangfire, the data source's connection), so one <c>dotnet format</c> run
/// leaves nothing for the next.
/// </summary>
internal static class Leftovers
{
    public static async Task<Document> RemoveUnreadConnectionStringsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return document;
        }

        var types = KnownTypes.Create(model.Compilation);
        var unread = new List<LocalDeclarationStatementSyntax>();
        foreach (var statement in root.DescendantNodes().OfType<LocalDeclarationStatementSyntax>())
        {
            if (statement.Declaration.Variables.Count != 1 || statement.Declaration.Variables[0] is not { Initializer: { } initializer } declarator
                || !statement.UsingKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.None)
                || model.GetDeclaredSymbol(declarator, cancellationToken) is not ILocalSymbol local
                || model.GetOperation(initializer.Value, cancellationToken) is not { } value
                || !UnreadConnectionSettingAnalyzer.HoldsAConnectionString(value, types))
            {
                continue;
            }

            var scope = statement.Parent is GlobalStatementSyntax global ? global.Parent! : statement.Parent!;
            var read = scope.DescendantNodes().OfType<IdentifierNameSyntax>()
                .Any(n => n.Identifier.ValueText == local.Name && SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(n, cancellationToken).Symbol, local));
            if (!read)
            {
                unread.Add(statement);
            }
        }

        var current = document;
        foreach (var statement in unread.OrderByDescending(s => s.SpanStart))
        {
            var currentRoot = await current.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (currentRoot?.FindNode(statement.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<LocalDeclarationStatementSyntax>() is { } target
                && target.Span == statement.Span)
            {
                current = await RemoveUnreadSettingCodeFixProvider.RemoveAsync(current, target, cancellationToken).ConfigureAwait(false);
            }
        }

        return current;
    }
}
