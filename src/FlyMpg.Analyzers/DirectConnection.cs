using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// Whether a command, batch, connection or data source comes from FlyMpg's DIRECT data source (key "flympg:direct"), which
/// bypasses PgBouncer, so session features are fine on it. Followed within one method: a parameter or primary constructor
/// parameter marked [FromKeyedServices("flympg:direct")], a field or property assigned from one in a constructor,
/// GetRequiredKeyedService/GetKeyedService with that key, locals initialised from those, and the Npgsql calls that derive a
/// connection, command or batch from them. A value that crosses a method boundary any other way is not followed.
/// </summary>
internal static class DirectConnection
{
    private const int MaxDepth = 8;

    public static bool IsDirect(IOperation? operation, KnownTypes types) => IsDirect(operation, types, 0);

    private static bool IsDirect(IOperation? operation, KnownTypes types, int depth)
    {
        if (operation is null || depth > MaxDepth)
        {
            return false;
        }

        depth++;
        switch (operation)
        {
            case IConversionOperation conversion:
                return IsDirect(conversion.Operand, types, depth);
            case IAwaitOperation awaited:
                return IsDirect(awaited.Operation, types, depth);
            case IParameterReferenceOperation parameter:
                return IsKeyedDirect(parameter.Parameter, types);
            case ILocalReferenceOperation local:
                return IsDirect(Initializer(local.Local, operation.SemanticModel), types, depth);
            case IFieldReferenceOperation field:
                return IsAssignedFromDirectParameter(field.Field, types);
            case IPropertyReferenceOperation property when property.Property.ContainingType is { } containing
                && !KnownTypes.Is(containing, types.NpgsqlCommand) && !KnownTypes.Is(containing, types.NpgsqlConnection):
                return IsAssignedFromDirectParameter(property.Property, types);
            case IPropertyReferenceOperation property when property.Property.Name == "Connection":
                return IsDirect(property.Instance, types, depth);
            case IInvocationOperation invocation:
                return IsDirectInvocation(invocation, types, depth);
            case IObjectCreationOperation creation:
                foreach (var argument in creation.Arguments)
                {
                    if (KnownTypes.Is(argument.Parameter?.Type, types.NpgsqlConnection) && IsDirect(argument.Value, types, depth))
                    {
                        return true;
                    }
                }

                if (creation.Initializer is { } initializer)
                {
                    foreach (var member in initializer.Initializers.OfType<ISimpleAssignmentOperation>())
                    {
                        if (member.Target is IPropertyReferenceOperation { Property.Name: "Connection" } && IsDirect(member.Value, types, depth))
                        {
                            return true;
                        }
                    }
                }

                return false;
            default:
                return false;
        }
    }

    private static bool IsDirectInvocation(IInvocationOperation invocation, KnownTypes types, int depth)
    {
        var method = invocation.TargetMethod;
        if (method.Name is "GetRequiredKeyedService" or "GetKeyedService")
        {
            return invocation.Arguments.Any(a => Unwrap(a.Value).ConstantValue is { HasValue: true, Value: FlyMpgDiagnostics.DirectDataSourceKey });
        }

        if (method.Name == "ConfigureAwait")
        {
            return IsDirect(invocation.Instance, types, depth);
        }

        if ((KnownTypes.Is(method.ContainingType, types.NpgsqlDataSource) || KnownTypes.Is(method.ContainingType, types.NpgsqlConnection))
            && method.Name is "OpenConnection" or "OpenConnectionAsync" or "CreateConnection" or "CreateCommand" or "CreateBatch")
        {
            return IsDirect(invocation.Instance, types, depth);
        }

        return false;
    }

    private static IOperation Unwrap(IOperation operation) =>
        operation is IConversionOperation conversion ? Unwrap(conversion.Operand) : operation;

    private static IOperation? Initializer(ILocalSymbol local, SemanticModel? model)
    {
        if (model is null)
        {
            return null;
        }

        foreach (var reference in local.DeclaringSyntaxReferences)
        {
            if (reference.SyntaxTree == model.SyntaxTree
                && reference.GetSyntax() is VariableDeclaratorSyntax { Initializer.Value: { } value })
            {
                return model.GetOperation(value);
            }
        }

        return null;
    }

    private static bool IsKeyedDirect(IParameterSymbol parameter, KnownTypes types) =>
        parameter.GetAttributes().Any(attribute =>
            types.FromKeyedServicesAttribute is not null
            && SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, types.FromKeyedServicesAttribute)
            && attribute.ConstructorArguments.Length == 1
            && attribute.ConstructorArguments[0].Value is FlyMpgDiagnostics.DirectDataSourceKey);

    /// <summary>A field or property assigned, in a constructor or its initializer, from a parameter keyed to the direct data source.</summary>
    private static bool IsAssignedFromDirectParameter(ISymbol member, KnownTypes types)
    {
        var type = member.ContainingType;
        if (type is null)
        {
            return false;
        }

        var parameters = type.InstanceConstructors.SelectMany(c => c.Parameters).Where(p => IsKeyedDirect(p, types)).ToList();
        if (parameters.Count == 0)
        {
            return false;
        }

        var names = parameters.Select(p => p.Name).ToList();

        // private readonly NpgsqlDataSource _direct = direct;  (primary constructor)
        foreach (var reference in member.DeclaringSyntaxReferences)
        {
            var syntax = reference.GetSyntax();
            var value = syntax switch
            {
                VariableDeclaratorSyntax declarator => declarator.Initializer?.Value,
                PropertyDeclarationSyntax property => property.Initializer?.Value,
                _ => null,
            };
            if (AssignedName(value) is { } assigned && names.Contains(assigned))
            {
                return true;
            }
        }

        // _direct = direct;  (constructor body)
        foreach (var constructor in type.InstanceConstructors)
        {
            foreach (var reference in constructor.DeclaringSyntaxReferences)
            {
                foreach (var assignment in reference.GetSyntax().DescendantNodes().OfType<AssignmentExpressionSyntax>())
                {
                    var target = assignment.Left switch
                    {
                        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
                        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax } access => access.Name.Identifier.ValueText,
                        _ => null,
                    };
                    if (target == member.Name
                        && AssignedName(assignment.Right) is { } assigned
                        && constructor.Parameters.Any(p => p.Name == assigned && IsKeyedDirect(p, types)))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    private static string? AssignedName(ExpressionSyntax? value) => value switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
        BinaryExpressionSyntax coalesce when coalesce.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.CoalesceExpression) => AssignedName(coalesce.Left),
        _ => null,
    };
}
