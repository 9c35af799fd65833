namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>A row of <see cref="WriteContext"/>.</summary>
public sealed class WriteRow
{
    public int Id { get; set; }

    public required string Title { get; set; }
}
