using Bookings.Api.Data;
using Bookings.Api.Extensions;
using Bookings.Api.Rooms;
using FlyMpg;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFlyPostgres<BookingsDbContext>();

builder.Services.AddProblemDetails();

var app = builder.Build();

app.OnFlyMigrate(() => app.MigrateDatabaseAndSeed());

app.UseExceptionHandler();
app.MapDefaultEndpoints();
app.MapRoomEndpoints();

app.MapFlyHealthChecks();
return await app.RunFlyAsync(args);
