using Microsoft.EntityFrameworkCore;

namespace Orders.Database;

/// <summary>
/// The service's one context type: over the pooled connection in the web process, over the direct one in
/// <c>migrate</c> and the worker (Program.cs, <c>AddFlyPostgres</c>).
/// One type for both keeps the migrations in one place: EF applies only the migrations whose
/// [DbContext] attribute names the exact context type it runs.
/// </summary>
public sealed class AppDbContext(DbContextOptions<AppDbContext> options) : DbContext(options)
{
}
