using Bookings.Api.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Data;

public class BookingsDbContext(DbContextOptions<BookingsDbContext> options) : DbContext(options)
{
    public DbSet<Room> Rooms => Set<Room>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<Room>().Property(r => r.Name).HasMaxLength(80);
}
