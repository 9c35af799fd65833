namespace FlyMpg.Telemetry;

/// <summary>One Npgsql pool as scraped: connections in use, its maximum, and requests waiting for a connection.</summary>
internal sealed record ServedPool(string Name, double Used, double Max, double Pending);
