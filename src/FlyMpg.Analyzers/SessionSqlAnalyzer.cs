using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// FLYMPG003 (session advisory locks) and FLYMPG004 (LISTEN, SET, DISCARD, PREPARE, CREATE TEMP TABLE) in SQL text given to
/// EF (ExecuteSql*, FromSql*, SqlQuery*) or to Npgsql commands (constructor, NpgsqlDataSource.CreateCommand, CommandText).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SessionSqlAnalyzer : DiagnosticAnalyzer
{
    /// <summary>Diagnostic property: the advisory lock function found (FLYMPG003).</summary>
    public const string FunctionProperty = "Function";

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(FlyMpgDiagnostics.SessionAdvisoryLock, FlyMpgDiagnostics.SessionStateSql);

    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var types = KnownTypes.Create(start.Compilation);
            if (types.NpgsqlCommand is null && types.RelationalDatabaseFacadeExtensions is null)
            {
                return;
            }

            start.RegisterOperationAction(c => AnalyzeInvocation(c, types), OperationKind.Invocation);
            start.RegisterOperationAction(c => AnalyzeCreation(c, types), OperationKind.ObjectCreation);
            start.RegisterOperationAction(c => AnalyzeAssignment(c, types), OperationKind.SimpleAssignment);
        });
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context, KnownTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        var type = method.ContainingType;

        if ((SymbolEqualityComparer.Default.Equals(type, types.RelationalDatabaseFacadeExtensions)
                || SymbolEqualityComparer.Default.Equals(type, types.RelationalQueryableExtensions))
            && (method.Name.StartsWith("ExecuteSql") || method.Name.StartsWith("FromSql") || method.Name.StartsWith("SqlQuery")))
        {
            Report(context, SqlArgument(invocation, types));
            return;
        }

        if (KnownTypes.Is(type, types.NpgsqlDataSource) && method.Name == "CreateCommand" && !DirectConnection.IsDirect(invocation.Instance, types))
        {
            Report(context, invocation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String)?.Value);
        }
    }

    private static IOperation? SqlArgument(IInvocationOperation invocation, KnownTypes types) =>
        invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "sql")?.Value
        ?? invocation.Arguments.FirstOrDefault(a =>
            a.Parameter is { } p && (p.Type.SpecialType == SpecialType.System_String || SymbolEqualityComparer.Default.Equals(p.Type, types.FormattableString)))?.Value;

    private static void AnalyzeCreation(OperationAnalysisContext context, KnownTypes types)
    {
        var creation = (IObjectCreationOperation)context.Operation;
        var type = creation.Type;
        if (!KnownTypes.Is(type, types.NpgsqlCommand) && !KnownTypes.Is(type, types.NpgsqlBatchCommand))
        {
            return;
        }

        if (DirectConnection.IsDirect(creation, types))
        {
            return;
        }

        Report(context, creation.Arguments.FirstOrDefault(a => a.Parameter?.Type.SpecialType == SpecialType.System_String)?.Value);
    }

    private static void AnalyzeAssignment(OperationAnalysisContext context, KnownTypes types)
    {
        var assignment = (ISimpleAssignmentOperation)context.Operation;
        if (assignment.Target is not IPropertyReferenceOperation { Property.Name: "CommandText" } property
            || (!KnownTypes.Is(property.Property.ContainingType, types.NpgsqlCommand) && !KnownTypes.Is(property.Property.ContainingType, types.NpgsqlBatchCommand)))
        {
            return;
        }

        // In an object initializer the receiver is the object being created: follow the creation instead.
        var receiver = property.Instance is IInstanceReferenceOperation
            ? Ancestor<IObjectCreationOperation>(assignment)
            : property.Instance;
        if (DirectConnection.IsDirect(receiver, types))
        {
            return;
        }

        Report(context, assignment.Value);
    }

    private static T? Ancestor<T>(IOperation operation)
        where T : class, IOperation
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static void Report(OperationAnalysisContext context, IOperation? sqlOperation)
    {
        if (ConstantText.Of(sqlOperation) is not { } sql)
        {
            return;
        }

        var location = sqlOperation!.Syntax.GetLocation();
        var seen = new HashSet<string>();
        foreach (var finding in SqlText.Find(sql))
        {
            if (!seen.Add(finding.What))
            {
                continue;
            }

            if (finding.IsAdvisoryLock)
            {
                var properties = ImmutableDictionary<string, string?>.Empty.Add(FunctionProperty, finding.What);
                context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.SessionAdvisoryLock, location, properties, finding.What, finding.Fix));
            }
            else
            {
                context.ReportDiagnostic(Diagnostic.Create(FlyMpgDiagnostics.SessionStateSql, location, finding.What, finding.Fix));
            }
        }
    }
}
