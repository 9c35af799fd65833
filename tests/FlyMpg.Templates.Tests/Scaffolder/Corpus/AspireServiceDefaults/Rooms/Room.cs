namespace Bookings.Api.Rooms;

public class Room
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public int Capacity { get; set; }
}
