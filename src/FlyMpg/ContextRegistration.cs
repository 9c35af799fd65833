using Microsoft.EntityFrameworkCore;

namespace FlyMpg;

/// <summary>
/// How a context type is registered: pooled (reused across requests, less allocation per request) when EF Core can pool it,
/// that is when its one public constructor with parameters takes only its options; otherwise one per scope, as
/// <c>AddDbContext</c> does, so a context that also takes services (an <c>IConfiguration</c> its <c>OnConfiguring</c> falls
/// back on) still runs on FlyMpg's data source.
/// </summary>
internal static class ContextRegistration
{
    public static void Add<TContext>(IServiceCollection services, Action<IServiceProvider, DbContextOptionsBuilder> configure)
        where TContext : DbContext
    {
        if (CanBePooled(typeof(TContext)))
        {
            services.AddDbContextPool<TContext>(configure);
        }
        else
        {
            services.AddDbContext<TContext>(configure);
        }
    }

    /// <summary>EF Core's own rule for pooled contexts (DbContextPool): exactly one public constructor with parameters, taking only the options.</summary>
    public static bool CanBePooled(Type context)
    {
        var constructors = context.GetConstructors().Where(c => c.GetParameters().Length > 0).ToList();
        return constructors.Count == 1
            && constructors[0].GetParameters() is [var options]
            && (options.ParameterType == typeof(DbContextOptions) || options.ParameterType == typeof(DbContextOptions<>).MakeGenericType(context));
    }
}
