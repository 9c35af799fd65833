namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>A database made by <see cref="MpgStandIn.CreateFreshDatabaseAsync"/>; the URLs hold the app password.</summary>
public sealed record FreshDatabase(string Name, string PooledUrl, string DirectUrl)
{
    public string PooledConnectionString => MpgStandIn.ConnectionStringFromUrl(PooledUrl).ConnectionString;

    public string DirectConnectionString => MpgStandIn.ConnectionStringFromUrl(DirectUrl).ConnectionString;

    public override string ToString() => $"database {Name}";
}
