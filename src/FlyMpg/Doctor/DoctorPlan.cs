namespace FlyMpg.Doctor;

/// <summary>A Managed Postgres plan's connection limits per cluster (Fly's docs: mpg/client-configuration).</summary>
internal sealed record DoctorPlan(string Id, string Name, int ClientConnections, int DatabaseConnections, int Reserved)
{
    public static readonly IReadOnlyList<DoctorPlan> All =
    [
        new("basic", "Basic", 200, 50, 10),
        new("starter", "Starter", 200, 50, 10),
        new("launch", "Launch", 500, 150, 30),
        new("scale", "Scale", 1000, 300, 50),
        new("performance", "Performance", 1000, 300, 50),
    ];
}
