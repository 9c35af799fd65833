using Bookings.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Bookings.Api.Rooms;

public static class RoomEndpoints
{
    public static IEndpointRouteBuilder MapRoomEndpoints(this IEndpointRouteBuilder routes)
    {
        var rooms = routes.MapGroup("/rooms");

        rooms.MapGet("/", async (BookingsDbContext db) =>
            await db.Rooms.AsNoTracking().OrderBy(r => r.Name).ToListAsync());

        rooms.MapGet("/{id:int}", async (int id, BookingsDbContext db) =>
            await db.Rooms.FindAsync(id) is { } room ? Results.Ok(room) : Results.NotFound());

        rooms.MapPost("/", async (NewRoom request, BookingsDbContext db) =>
        {
            if (request.Capacity < 1)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["capacity"] = ["A room holds at least one person."] });
            }

            var room = new Room { Name = request.Name, Capacity = request.Capacity };
            db.Rooms.Add(room);
            await db.SaveChangesAsync();
            return Results.Created($"/rooms/{room.Id}", room);
        });

        return routes;
    }

    public record NewRoom(string Name, int Capacity);
}
