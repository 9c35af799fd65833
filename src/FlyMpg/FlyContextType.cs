using Microsoft.EntityFrameworkCore;

namespace FlyMpg;

/// <summary>The service's context type, and how <c>migrate</c> and <c>doctor</c> make one over their own connection.</summary>
internal sealed record FlyContextType(Type Type, Func<IServiceProvider, Action<DbContextOptionsBuilder>, DbContext> Create);
