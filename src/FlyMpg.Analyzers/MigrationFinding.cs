using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace FlyMpg.Analyzers;

/// <summary>One dangerous operation of a migration's Up: the rule, its message arguments, and what a code fix needs.</summary>
internal sealed class MigrationFinding
{
    public MigrationFinding(DiagnosticDescriptor rule, object[] arguments, ImmutableDictionary<string, string?>? properties = null)
    {
        Rule = rule;
        Arguments = arguments;
        Properties = properties ?? ImmutableDictionary<string, string?>.Empty;
    }

    public DiagnosticDescriptor Rule { get; }

    public object[] Arguments { get; }

    public ImmutableDictionary<string, string?> Properties { get; }
}
