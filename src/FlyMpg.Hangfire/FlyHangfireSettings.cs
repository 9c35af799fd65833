namespace FlyMpg.Hangfire;

/// <summary>Hangfire's settings, in the <c>FlyMpg:Hangfire</c> configuration section.</summary>
public sealed class FlyHangfireSettings
{
    /// <summary>The schema of Hangfire's tables, installed by <c>migrate</c>. Default <c>hangfire</c>.</summary>
    public string Schema { get; set; } = "hangfire";

    /// <summary>
    /// The web process's connections for enqueueing, through PgBouncer. Hangfire's client is synchronous: on a pool
    /// of their own its callers wait only for each other; on the pool of async EF Core calls they starve the thread
    /// pool (measured: requests timed out after 30 s under 64 concurrent clients). Default 2.
    /// </summary>
    public int JobClientMaxPoolSize { get; set; } = 2;

    /// <summary>Jobs run at once per worker; default the worker's pool size minus 2 (the heartbeat, scheduler and expiration need the others).</summary>
    public int? WorkerCount { get; set; }

    /// <summary>Seconds a stopping worker waits for running jobs, within fly.toml's <c>kill_timeout</c>; a job still running then runs again later. Default 20.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 20;

    /// <summary>Seconds after which the job of a worker that died (kill -9, a lost Machine) runs again; a running job keeps extending it. Default 300.</summary>
    public int InvisibilityTimeoutSeconds { get; set; } = 300;

    /// <summary>
    /// Seconds between polls for new jobs. The worker polls rather than LISTENs: Hangfire.PostgreSql's long polling
    /// opens one more connection per idle worker, outside the pool (measured: 10 sessions with a pool of 6). Default 5.
    /// </summary>
    public int QueuePollIntervalSeconds { get; set; } = 5;

    /// <summary>The dashboard's password outside Development; set it as a Fly secret (<c>FlyMpg__Hangfire__DashboardPassword</c>). Without it the dashboard admits nobody.</summary>
    public string? DashboardPassword { get; set; }
}
