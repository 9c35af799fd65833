using System.Data;
using Npgsql;
using Todo.Api.Data;
using Todo.Api.Todos;

var builder = WebApplication.CreateBuilder(args);

var connectionString = builder.Configuration.GetConnectionString("Default")
    ?? throw new InvalidOperationException("ConnectionStrings:Default is not set.");

// EF Core for writes, Dapper for the list screens.
builder.Services.AddDbContext<TodoContext>();
builder.Services.AddScoped<IDbConnection>(_ => new NpgsqlConnection(connectionString));
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

app.Run();

record NewTodo(string Title);
