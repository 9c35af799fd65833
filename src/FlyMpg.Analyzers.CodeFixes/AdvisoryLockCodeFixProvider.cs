using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FlyMpg.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// FLYMPG003: pg_advisory_lock → pg_advisory_xact_lock and pg_try_advisory_lock → pg_try_advisory_xact_lock (and the
/// _shared forms) in the string literal parts of the SQL argument. The lock then ends with the transaction: the call must
/// run inside one, and a pg_advisory_unlock call for it must go (docs/analyzers.md#flympg003).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AdvisoryLockCodeFixProvider)), Shared]
public sealed class AdvisoryLockCodeFixProvider : CodeFixProvider
{
    private static readonly Regex SessionLock = new(@"\b(pg_(?:try_)?advisory)_lock(_shared)?\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(FlyMpgDiagnostics.SessionAdvisoryLockId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            diagnostic.Properties.TryGetValue(SessionSqlAnalyzer.FunctionProperty, out var function);
            var replacement = function is null ? "pg_advisory_xact_lock" : function.Replace("advisory_lock", "advisory_xact_lock");
            context.RegisterCodeFix(
                CodeAction.Create(
                    $"Use {replacement} (ends with the transaction)",
                    ct => FixAsync(context.Document, diagnostic.Location.SourceSpan, ct),
                    equivalenceKey: FlyMpgDiagnostics.SessionAdvisoryLockId),
                diagnostic);
        }

        return Task.CompletedTask;
    }

    private static async Task<Document> FixAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var node = root.FindNode(span, getInnermostNodeForTie: true);
        var tokens = node.DescendantTokens().Where(t =>
            t.IsKind(SyntaxKind.StringLiteralToken)
            || t.IsKind(SyntaxKind.InterpolatedStringTextToken)
            || t.IsKind(SyntaxKind.SingleLineRawStringLiteralToken)
            || t.IsKind(SyntaxKind.MultiLineRawStringLiteralToken)).ToList();

        var newRoot = root.ReplaceTokens(tokens, (original, _) =>
        {
            var text = SessionLock.Replace(original.Text, m => m.Groups[1].Value + "_xact_lock" + m.Groups[2].Value);
            var value = SessionLock.Replace(original.ValueText, m => m.Groups[1].Value + "_xact_lock" + m.Groups[2].Value);
            if (text == original.Text)
            {
                return original;
            }

            return SyntaxFactory.Token(original.LeadingTrivia, original.Kind(), text, value, original.TrailingTrivia);
        });
        return document.WithSyntaxRoot(newRoot);
    }
}
