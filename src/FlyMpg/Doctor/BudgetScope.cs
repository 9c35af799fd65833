namespace FlyMpg.Doctor;

/// <summary>Where a pool's connections are counted against the plan's limits.</summary>
internal enum BudgetScope
{
    /// <summary>Once per web Machine, as PgBouncer clients.</summary>
    PerWebMachine,

    /// <summary>Once per worker Machine, as database connections.</summary>
    PerWorkerMachine,

    /// <summary>Once for the whole app, as database connections (e.g. the release_command's <c>migrate</c>).</summary>
    Once,
}
