using System.Diagnostics;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Bounded polling: instead of sleeping for a guessed time, ask until the answer is the one awaited.</summary>
public static class Poll
{
    /// <summary>
    /// Calls <paramref name="probe"/> every <paramref name="interval"/> (default 100 ms) until <paramref name="done"/>
    /// holds for its answer, and returns that answer. After <paramref name="timeout"/> throws a
    /// <see cref="TimeoutException"/> naming <paramref name="what"/> and the last answer as <paramref name="describe"/> renders it
    /// (mask passwords there).
    /// </summary>
    public static async Task<T> UntilAsync<T>(
        string what,
        Func<Task<T>> probe,
        Func<T, bool> done,
        TimeSpan timeout,
        Func<T, string>? describe = null,
        TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var value = await probe().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"Waited {timeout.TotalSeconds:0.#} s for {what}; last seen: {(describe ?? (v => v?.ToString() ?? "null"))(value)}");
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100)).ConfigureAwait(false);
        }
    }
}
