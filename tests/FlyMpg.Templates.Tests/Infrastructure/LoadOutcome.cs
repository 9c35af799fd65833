using System.Collections.Concurrent;
using Npgsql;

namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>What a load run got: answers (right or wrong) and failures by SQLSTATE.</summary>
public sealed class LoadOutcome
{
    private readonly ConcurrentQueue<string> _failures = new();
    private int _ok;
    private int _wrong;

    /// <summary>Commands that answered, rightly or not.</summary>
    public int Ok => _ok;

    /// <summary>Commands that answered without an error, but with another statement's result.</summary>
    public int WrongResults => _wrong;

    /// <summary>One entry per failed command: the SQLSTATE (plus the PgBouncer reason for 08P01) or the exception type and message.</summary>
    public IReadOnlyCollection<string> Failures => _failures;

    /// <summary>Commands that failed or answered wrongly.</summary>
    public int Broken => _failures.Count + _wrong;

    public TimeSpan Elapsed { get; set; }

    public void Record(bool correct)
    {
        Interlocked.Increment(ref _ok);
        if (!correct)
        {
            Interlocked.Increment(ref _wrong);
        }
    }

    public void Record(NpgsqlException e) => _failures.Enqueue(e switch
    {
        PostgresException { SqlState: "08P01" } p => $"08P01 {p.MessageText}",
        PostgresException p => p.SqlState,
        _ => $"{e.GetType().Name}: {e.Message}",
    });

    public override string ToString() =>
        $"{_ok} ok ({_wrong} with a wrong answer), {_failures.Count} failed in {Elapsed.TotalSeconds:0.00} s"
        + (_failures.IsEmpty ? "" : ": " + string.Join(", ", _failures.GroupBy(f => f).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} x {g.Key}")));
}
