using Microsoft.EntityFrameworkCore;

namespace Orders.Api.Data;

public class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.Property(o => o.Customer).HasMaxLength(200);
            order.Property(o => o.Total).HasPrecision(12, 2);
        });
    }
}
