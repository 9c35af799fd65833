namespace FlyMpg;

/// <summary>
/// The service's own work that <c>migrate</c> runs after the migrations (<see cref="FlyMigrate.OnFlyMigrate(Microsoft.Extensions.Hosting.IHost, Func{Task})"/>):
/// seeding, a startup helper that migrated and seeded. Kept in order; run once per <c>migrate</c>, never by the web app or the worker.
/// </summary>
internal sealed class FlyMigrateSteps
{
    private readonly List<Func<Task>> _steps = [];

    public void Add(Func<Task> step)
    {
        lock (_steps)
        {
            _steps.Add(step);
        }
    }

    public IReadOnlyList<Func<Task>> All()
    {
        lock (_steps)
        {
            return [.. _steps];
        }
    }
}
