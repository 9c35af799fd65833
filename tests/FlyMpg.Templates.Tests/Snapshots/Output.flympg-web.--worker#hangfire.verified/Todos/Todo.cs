using System.Text.Json.Serialization;

namespace Orders.Todos;

public sealed class Todo
{
    public const int MaxTitleLength = 200;
    public const int MaxIdempotencyKeyLength = 100;

    public int Id { get; set; }
    public required string Title { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The client's <c>Idempotency-Key</c> of the POST that created it: unique, so a retried POST is applied once.</summary>
    [JsonIgnore]
    public string? IdempotencyKey { get; set; }
}
