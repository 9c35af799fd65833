using Bookings.Api.Data;
using Bookings.Api.Rooms;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Extensions;

public static class MigrationExtensions
{
    /// <summary>Brings the schema up to date and makes sure the rooms every environment starts with exist.</summary>
    public static void MigrateDatabaseAndSeed(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BookingsDbContext>();
        var logger = scope.ServiceProvider.GetRequiredService<ILogger<BookingsDbContext>>();

        db.Database.Migrate();

        if (!db.Rooms.Any())
        {
            db.Rooms.AddRange(
                new Room { Name = "Atlas", Capacity = 8 },
                new Room { Name = "Borealis", Capacity = 4 },
                new Room { Name = "Cirrus", Capacity = 12 });
            db.SaveChanges();
            logger.LogInformation("Seeded the default rooms.");
        }
    }
}
