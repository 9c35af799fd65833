// Bench-only reference (build/bench.sh): what GET /todos/{id} and POST /todos cost with raw Npgsql and the
// service's own connection string. Not part of any template; see docs/benchmarks.md.
using System.Text.Json;
using System.Text.Json.Serialization;
using FlyMpg;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

var builder = WebApplication.CreateSlimBuilder(args);

// The exact connection string the service uses for DATABASE_URL (FlyMpg's pooled connection, its defaults).
var connectionString = new FlyPostgresConnections(builder.Configuration, new FlyPostgresSettings()).Pooled().ConnectionString;
builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, ReferenceJsonContext.Default));

var app = builder.Build();

app.MapGet("/healthz", () => "Healthy");

app.MapGet("/todos/{id:int}", async Task<IResult> (NpgsqlDataSource dataSource, int id) =>
{
    await using var command = dataSource.CreateCommand("SELECT id, title, done, created_at FROM todos WHERE id = $1 LIMIT 1");
    command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = id });
    await using var reader = await command.ExecuteReaderAsync();
    if (!await reader.ReadAsync())
    {
        return TypedResults.NotFound();
    }

    return TypedResults.Ok(new Todo(reader.GetInt32(0), reader.GetString(1), reader.GetBoolean(2), reader.GetFieldValue<DateTimeOffset>(3)));
});

// The row the service's POST writes (title, done, created_at, the client's Idempotency-Key) in one INSERT ... RETURNING,
// and the service's 201 with its JSON; a missing title is refused as the service refuses it.
app.MapPost("/todos", async Task<IResult> (NpgsqlDataSource dataSource, TodoInput input, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey) =>
{
    var title = input.Title?.Trim();
    if (string.IsNullOrEmpty(title))
    {
        return TypedResults.BadRequest();
    }

    // Postgres keeps microseconds, as the service truncates.
    var now = DateTimeOffset.UtcNow;
    var createdAt = now.AddTicks(-(now.Ticks % 10));
    var done = input.Done ?? false;
    await using var command = dataSource.CreateCommand("INSERT INTO todos (title, done, created_at, idempotency_key) VALUES ($1, $2, $3, $4) RETURNING id");
    command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = title });
    command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = done });
    command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = createdAt });
    command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = idempotencyKey });
    var id = (int)(await command.ExecuteScalarAsync())!;
    return TypedResults.Created($"/todos/{id}", new Todo(id, title, done, createdAt));
});

app.Run();

// The service's JSON shape: {"id":1,"title":"...","done":false,"createdAt":"..."}.
internal sealed record Todo(int Id, string Title, bool Done, DateTimeOffset CreatedAt);

internal sealed record TodoInput(string? Title, bool? Done);

[JsonSerializable(typeof(Todo))]
[JsonSerializable(typeof(TodoInput))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
