using Microsoft.EntityFrameworkCore;

namespace Shipping.Data
{
    public class ShippingContext : DbContext
    {
        public ShippingContext(DbContextOptions<ShippingContext> options)
            : base(options)
        {
        }

        public DbSet<Shipment> Shipments { get; set; } = null!;

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Shipment>(shipment =>
            {
                shipment.Property(s => s.Carrier).HasMaxLength(60);
                shipment.Property(s => s.TrackingNumber).HasMaxLength(60);
            });
        }
    }
}
