using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>
/// A call that runs the service's host in its entry point (top-level statements or a static Main, outside lambdas and local
/// functions): <c>Run</c>/<c>RunAsync</c> (or FlyMpg's <c>RunFlyAsync</c>) on a <c>WebApplication</c>, an <c>IHost</c> (the
/// generic host) or an <c>IWebHost</c> (the classic <c>WebHost.CreateDefaultBuilder(args).UseStartup&lt;Startup&gt;()</c>).
/// </summary>
internal sealed class HostRunCall
{
    private HostRunCall(IInvocationOperation invocation, IMethodSymbol entryPoint, bool isRunFlyAsync, bool isWebApplication)
    {
        Invocation = invocation;
        EntryPoint = entryPoint;
        IsRunFlyAsync = isRunFlyAsync;
        IsWebApplication = isWebApplication;
    }

    public IInvocationOperation Invocation { get; }

    public IMethodSymbol EntryPoint { get; }

    /// <summary>FlyMpg's dispatch, rather than the host's own Run/RunAsync.</summary>
    public bool IsRunFlyAsync { get; }

    /// <summary>The host is a <c>WebApplication</c>, on which endpoints can still be mapped.</summary>
    public bool IsWebApplication { get; }

    /// <summary>The statement that is exactly this call (awaited or not), top-level or in Main's body; null inside a longer expression.</summary>
    public ExpressionStatementSyntax? WholeStatement =>
        (Invocation.Syntax.Parent is AwaitExpressionSyntax awaited ? awaited.Parent : Invocation.Syntax.Parent) is ExpressionStatementSyntax statement
        && (statement.Parent is GlobalStatementSyntax || statement.Parent is BlockSyntax { Parent: MethodDeclarationSyntax { Body: not null } })
            ? statement
            : null;

    public static HostRunCall? Find(IInvocationOperation invocation, ISymbol containingSymbol, KnownTypes types)
    {
        var method = invocation.TargetMethod;
        var isRunFlyAsync = method.Name == "RunFlyAsync" && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.FlyCommandLine);
        if (method.Name is not ("Run" or "RunAsync") && !isRunFlyAsync)
        {
            return null;
        }

        // Run/RunAsync of the host itself, or the extensions called on it.
        var receiver = invocation.Instance ?? (method.IsExtensionMethod ? invocation.Arguments.FirstOrDefault()?.Value : null);
        while (receiver is IConversionOperation conversion)
        {
            receiver = conversion.Operand;
        }

        if (receiver is null || !(KnownTypes.IsOrImplements(receiver.Type, types.Host) || KnownTypes.IsOrImplements(receiver.Type, types.WebHost)))
        {
            return null;
        }

        if (containingSymbol is not IMethodSymbol { Name: "<Main>$" or "Main", IsStatic: true } entryPoint || EnclosingFunction.Encloses(invocation))
        {
            return null;
        }

        return new HostRunCall(invocation, entryPoint, isRunFlyAsync, KnownTypes.Is(receiver.Type, types.WebApplication));
    }
}
