namespace Orders.Todos;

public sealed class Todo
{
    public const int MaxTitleLength = 200;

    public int Id { get; set; }
    public required string Title { get; set; }
    public bool Done { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
