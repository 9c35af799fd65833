using Orders.Database;
using Microsoft.EntityFrameworkCore;

namespace Orders.Jobs;

/// <summary>
/// The sample job: marks a todo done after some slow work (an e-mail, a report). Hangfire runs a job
/// at least once, so it must be safe to run twice: the update only applies to a todo not yet done.
/// </summary>
public sealed class CompleteTodoJob(AppDbContext db, IConfiguration configuration)
{
    public async Task RunAsync(int todoId, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(configuration.GetValue("Jobs:SampleWorkSeconds", 2.0)), cancellationToken);

        await db.Todos
            .Where(todo => todo.Id == todoId && !todo.Done)
            .ExecuteUpdateAsync(todo => todo.SetProperty(t => t.Done, true), cancellationToken);
    }
}
