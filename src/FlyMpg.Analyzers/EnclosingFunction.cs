using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace FlyMpg.Analyzers;

/// <summary>Whether an operation runs inside a lambda or local function (an endpoint, a callback), not in the method's own flow.</summary>
internal static class EnclosingFunction
{
    /// <summary>True when a lambda or local function lies between <paramref name="operation"/> and <paramref name="root"/> (or the top).</summary>
    public static bool Encloses(IOperation operation, IOperation? root = null)
    {
        for (var current = operation.Parent; current is not null && current != root; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
            {
                return true;
            }
        }

        return false;
    }
}
