// Bench-only reference (build/bench.sh): what GET /todos/{id} costs with raw Npgsql and the service's
// own connection string. Not part of any template; see docs/benchmarks.md.
using System.Text.Json;
using System.Text.Json.Serialization;
using FlyMpg;
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

app.Run();

// The service's JSON shape: {"id":1,"title":"...","done":false,"createdAt":"..."}.
internal sealed record Todo(int Id, string Title, bool Done, DateTimeOffset CreatedAt);

[JsonSerializable(typeof(Todo))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class ReferenceJsonContext : JsonSerializerContext;
