using System.Text.Json;
using System.Text.Json.Serialization;
using My.Orders.Api.Database;
using FlyMpg;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace My.Orders.Api.Todos;

public static class TodoEndpoints
{
    private const int MaxPageSize = 100;

    public static IEndpointRouteBuilder MapTodos(this IEndpointRouteBuilder app)
    {
        var todos = app.MapGroup("/todos");

        todos.MapGet("/", async (AppDbContext db, int page = 1, int pageSize = 20) =>
        {
            pageSize = Math.Clamp(pageSize, 1, MaxPageSize);
            var skip = (Math.Max(page, 1) - 1) * pageSize;
            return await db.Todos.AsNoTracking().OrderBy(t => t.Id).Skip(skip).Take(pageSize).ToListAsync();
        });

        todos.MapGet("/{id:int}", async Task<IResult> (NpgsqlDataSource pooled, TransientRetry retry, int id) =>
            await retry.ReadAsync(() => FindTodoAsync(pooled, id)) is { } todo ? TypedResults.Ok(todo) : TypedResults.NotFound());

        // A client that retries a POST (after a timeout or a 503) sends the same Idempotency-Key and gets the first
        // answer: the key is stored with the todo under a unique index, so the todo is written once. With a key the
        // INSERT is idempotent and retried like a read; without one it is retried only if it never reached the database
        // (FlyMpg's TransientRetry): a write cut off mid-statement answers 503.
        todos.MapPost("/", async Task<IResult> (NpgsqlDataSource pooled, TransientRetry retry, TodoInput input, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey) =>
        {
            if ((Validate(input) ?? ValidateKey(idempotencyKey)) is { } problem)
            {
                return problem;
            }

            // Postgres keeps microseconds: truncate, so this response equals what a later GET returns.
            var now = DateTimeOffset.UtcNow;
            var todo = new Todo { Title = input.Title!.Trim(), Done = input.Done ?? false, CreatedAt = now.AddTicks(-(now.Ticks % 10)), IdempotencyKey = idempotencyKey };
            var id = idempotencyKey is null
                ? await retry.WriteAsync(() => InsertTodoAsync(pooled, todo))
                : await retry.ReadAsync(() => InsertTodoAsync(pooled, todo));
            if (id is null)
            {
                // The key was stored by an earlier try of this request, or by the same request sent twice at once.
                var earlier = await retry.ReadAsync(() => QueryTodoAsync(pooled, "SELECT id, title, done, created_at FROM todos WHERE idempotency_key = $1", idempotencyKey!));
                return FirstAnswer(earlier!, input);
            }

            todo.Id = id.Value;
            return TypedResults.Created($"/todos/{todo.Id}", todo);
        });

        todos.MapPut("/{id:int}", async Task<IResult> (AppDbContext db, int id, TodoInput input) =>
        {
            if (Validate(input) is { } problem)
            {
                return problem;
            }

            var todo = await db.Todos.FindAsync(id);
            if (todo is null)
            {
                return TypedResults.NotFound();
            }

            todo.Title = input.Title!.Trim();
            todo.Done = input.Done ?? todo.Done;
            await db.SaveChangesAsync();
            return TypedResults.Ok(todo);
        });

        todos.MapDelete("/{id:int}", async Task<IResult> (AppDbContext db, int id) =>
            await db.Todos.Where(t => t.Id == id).ExecuteDeleteAsync() == 1 ? TypedResults.NoContent() : TypedResults.NotFound());

        return app;
    }

    // The hot read and the insert, in raw Npgsql on the pool EF Core uses: no EF start-up before the first answer after
    // a cold start, a quarter less CPU per read than EF's compiled query, and per insert one round trip and a quarter of
    // the CPU of EF's lookup of the key then SaveChanges (flympg's benchmark). Their columns follow AppDbContext's
    // mapping of Todo: change both together.
    private static Task<Todo?> FindTodoAsync(NpgsqlDataSource pooled, int id) =>
        QueryTodoAsync(pooled, "SELECT id, title, done, created_at FROM todos WHERE id = $1", id);

    private static async Task<Todo?> QueryTodoAsync<TKey>(NpgsqlDataSource pooled, string sql, TKey key)
    {
        await using var command = pooled.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<TKey> { TypedValue = key });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new Todo { Id = reader.GetInt32(0), Title = reader.GetString(1), Done = reader.GetBoolean(2), CreatedAt = reader.GetFieldValue<DateTimeOffset>(3) }
            : null;
    }

    // One round trip: the new id, or null when a todo with this Idempotency-Key exists (a null key never conflicts).
    private static async Task<int?> InsertTodoAsync(NpgsqlDataSource pooled, Todo todo)
    {
        await using var command = pooled.CreateCommand(
            "INSERT INTO todos (title, done, created_at, idempotency_key) VALUES ($1, $2, $3, $4) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = todo.Title });
        command.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = todo.Done });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = todo.CreatedAt });
        command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = todo.IdempotencyKey });
        return (int?)await command.ExecuteScalarAsync();
    }

    // The answer the first request with this key got, if this is the same request; a key is not reused for another.
    private static IResult FirstAnswer(Todo earlier, TodoInput input) =>
        earlier.Title == input.Title!.Trim() && earlier.Done == (input.Done ?? false)
            ? TypedResults.Created($"/todos/{earlier.Id}", earlier)
            : TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                detail: "This Idempotency-Key was sent with another todo; use a new key for a new request.");

    private static ValidationProblem? ValidateKey(string? idempotencyKey) => idempotencyKey switch
    {
        null => null,
        { Length: 0 or > Todo.MaxIdempotencyKeyLength } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Idempotency-Key"] = [$"An Idempotency-Key has 1 to {Todo.MaxIdempotencyKeyLength} characters."] }),
        _ => null,
    };

    private static ValidationProblem? Validate(TodoInput input) => input.Title?.Trim() switch
    {
        null or "" => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["title"] = ["A title is required."] }),
        { Length: > Todo.MaxTitleLength } => TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["title"] = [$"A title has at most {Todo.MaxTitleLength} characters."] }),
        _ => null,
    };
}

public sealed record TodoInput(string? Title, bool? Done);

// Source-generated serialization: no reflection at startup, a faster first request.
[JsonSerializable(typeof(Todo))]
[JsonSerializable(typeof(List<Todo>))]
[JsonSerializable(typeof(TodoInput))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
public sealed partial class TodoJsonContext : JsonSerializerContext;
