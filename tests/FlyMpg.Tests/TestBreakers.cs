using Npgsql;

namespace FlyMpg.Tests;

/// <summary>Breakers for specs that need no database: their data source points where nothing listens, and is never opened.</summary>
internal static class TestBreakers
{
    /// <summary>What a breaker clears when it opens; nothing here connects to it.</summary>
    public static readonly NpgsqlDataSource Nowhere = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=spec;Password=spec");

    public static DatabaseBreaker Create(string name, BreakerSettings settings, TimeProvider? time = null, ILogger<DatabaseBreaker>? logger = null, Func<CancellationToken, Task>? checkOnNewConnection = null) =>
        new(Nowhere, name, settings, time ?? TimeProvider.System, logger ?? new FakeLogger<DatabaseBreaker>(), checkOnNewConnection);
}
