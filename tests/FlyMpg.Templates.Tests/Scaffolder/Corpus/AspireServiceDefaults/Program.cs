using Bookings.Api.Data;
using Bookings.Api.Extensions;
using Bookings.Api.Rooms;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDbContext<BookingsDbContext>(connectionName: "bookings");

builder.Services.AddProblemDetails();

var app = builder.Build();

app.MigrateDatabaseAndSeed();

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapRoomEndpoints();

app.Run();
