using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace FlyMpg.Analyzers.CodeFixes;

/// <summary>
/// Fix All for a document that applies the provider's fixes one after the other, each on the document the previous one left,
/// instead of merging text changes computed on the original (the batch fixer drops changes that touch, and a fix that removes
/// what is left behind, a connection string nothing reads any more, only sees it unread once the other fixes are applied).
/// The diagnostics' nodes are annotated first, so each is found again after the edits before it.
/// </summary>
internal static class SequentialFixAll
{
    public static FixAllProvider For(CodeFixProvider provider) =>
        FixAllProvider.Create(async (context, document, diagnostics) =>
        {
            var root = await document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root is null)
            {
                return document;
            }

            var marked = new List<(SyntaxAnnotation Annotation, Diagnostic Diagnostic)>();
            var nodes = new Dictionary<SyntaxNode, SyntaxAnnotation>();
            foreach (var diagnostic in diagnostics.OrderBy(d => d.Location.SourceSpan.Start))
            {
                var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
                if (!nodes.TryGetValue(node, out var annotation))
                {
                    annotation = new SyntaxAnnotation();
                    nodes.Add(node, annotation);
                }

                marked.Add((annotation, diagnostic));
            }

            var current = document.WithSyntaxRoot(root.ReplaceNodes(nodes.Keys, (original, rewritten) => rewritten.WithAdditionalAnnotations(nodes[original])));
            foreach (var (annotation, diagnostic) in marked)
            {
                var currentRoot = await current.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
                if (currentRoot?.GetAnnotatedNodes(annotation).FirstOrDefault() is not { } target)
                {
                    continue; // an earlier fix replaced or removed it
                }

                var located = Diagnostic.Create(diagnostic.Descriptor, Location.Create(currentRoot.SyntaxTree, target.Span), diagnostic.Properties);
                var actions = new List<CodeAction>();
                await provider.RegisterCodeFixesAsync(new CodeFixContext(current, located, (action, _) => actions.Add(action), context.CancellationToken)).ConfigureAwait(false);
                if ((actions.FirstOrDefault(a => a.EquivalenceKey == context.CodeActionEquivalenceKey) ?? actions.FirstOrDefault()) is not { } chosen)
                {
                    continue;
                }

                foreach (var operation in await chosen.GetOperationsAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    if (operation is ApplyChangesOperation apply && apply.ChangedSolution.GetDocument(current.Id) is { } changed)
                    {
                        current = changed;
                    }
                }
            }

            return current;
        });
}
