namespace FlyMpg;

/// <summary>The settings of a direct connection (sections <c>FlyMpg:Direct</c>, <c>FlyMpg:Migrate</c>, <c>FlyMpg:Worker</c>).</summary>
public class DirectConnectionSettings
{
    /// <summary>Connections per process; direct connections are the cluster's scarcest (50 on the Basic plan, for every Machine).</summary>
    public int MaxPoolSize { get; set; }

    /// <summary>Seconds a command may run.</summary>
    public int CommandTimeout { get; set; }
}
