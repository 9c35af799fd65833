namespace FlyMpg;

/// <summary>The names FlyMpg shares with Fly and with the service: the variables Fly sets and the configuration section.</summary>
public static class FlyPostgres
{
    /// <summary>The pooled URL, through PgBouncer: app traffic. <c>fly mpg attach</c> sets it.</summary>
    public const string PooledVariable = "DATABASE_URL";

    /// <summary>The direct URL, to Postgres itself: <c>migrate</c>, the worker and doctor. Set it with <c>fly secrets set</c>.</summary>
    public const string DirectVariable = "DIRECT_DATABASE_URL";

    /// <summary>The configuration section of <see cref="FlyPostgresSettings"/>, e.g. <c>FlyMpg__Pooled__MaxPoolSize=12</c>.</summary>
    public const string SectionName = "FlyMpg";
}
