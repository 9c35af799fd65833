using FlyMpg;
using Microsoft.EntityFrameworkCore;
using Orders.Api.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddFlyPostgres<OrdersDbContext>();
builder.Services.AddProblemDetails();

var app = builder.Build();

app.MapGet("/orders", async (OrdersDbContext db) =>
    await db.Orders.OrderByDescending(o => o.Id).Take(50).ToListAsync());

app.MapGet("/orders/{id:int}", async (int id, OrdersDbContext db) =>
    await db.Orders.FindAsync(id) is { } order ? Results.Ok(order) : Results.NotFound());

app.MapPost("/orders", async (NewOrder request, OrdersDbContext db) =>
{
    if (string.IsNullOrWhiteSpace(request.Customer) || request.Total <= 0)
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["order"] = ["A customer and a positive total are required."] });
    }

    var order = new Order { Customer = request.Customer.Trim(), Total = request.Total, CreatedAt = DateTimeOffset.UtcNow };
    db.Orders.Add(order);
    await db.SaveChangesAsync();
    return Results.Created($"/orders/{order.Id}", order);
});

app.MapFlyHealthChecks();
return await app.RunFlyAsync(args);

record NewOrder(string Customer, decimal Total);
