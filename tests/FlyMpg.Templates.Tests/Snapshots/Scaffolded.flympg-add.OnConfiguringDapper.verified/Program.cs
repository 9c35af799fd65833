using System.Data;
using FlyMpg;
using Npgsql;
using Todo.Api.Data;
using Todo.Api.Todos;

var builder = WebApplication.CreateBuilder(args);

// EF Core for writes, Dapper for the list screens.
builder.AddFlyPostgres<TodoContext>();
builder.Services.AddScoped<IDbConnection>(provider => provider.GetRequiredService<NpgsqlDataSource>().CreateConnection());
builder.Services.AddScoped<TodoQueries>();

var app = builder.Build();

app.MapGet("/todos", (TodoQueries queries) => queries.LatestAsync());

app.MapPost("/todos", async (NewTodo input, TodoContext db) =>
{
    var todo = new TodoItem { Title = input.Title };
    db.Todos.Add(todo);
    await db.SaveChangesAsync();
    return Results.Created($"/todos/{todo.Id}", todo);
});

app.MapFlyHealthChecks();
return await app.RunFlyAsync(args);

record NewTodo(string Title);
