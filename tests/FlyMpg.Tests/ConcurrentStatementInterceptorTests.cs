using FlyMpg.Commands;
using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// migrate lifts its lock timeout for a statement that builds, rebuilds or drops an index CONCURRENTLY: such a statement
/// waits for older transactions without making anyone wait behind it, and a lock timeout would cancel it halfway,
/// leaving an INVALID index. Every other statement keeps the lock timeout.
/// </summary>
public class ConcurrentStatementInterceptorTests
{
    [Theory]
    [InlineData("CREATE INDEX CONCURRENTLY \"IX_todos_done\" ON todos (done);")]
    [InlineData("  create unique index\nconcurrently ix ON todos (title)")]
    [InlineData("DROP INDEX CONCURRENTLY IF EXISTS ix_todos_done")]
    [InlineData("REINDEX INDEX CONCURRENTLY ix_todos_done")]
    public void A_concurrent_index_statement_outside_a_transaction_runs_without_the_lock_timeout(string sql) =>
        Assert.True(ConcurrentStatementInterceptor.IsConcurrent(new NpgsqlCommand(sql)));

    [Theory]
    [InlineData("CREATE INDEX \"IX_todos_done\" ON todos (done);")]
    [InlineData("ALTER TABLE todos ADD COLUMN priority integer NOT NULL DEFAULT 0; -- not CONCURRENTLY")]
    [InlineData("SELECT 'CREATE INDEX CONCURRENTLY x ON t (c)'")]
    public void Any_other_statement_keeps_it(string sql) =>
        Assert.False(ConcurrentStatementInterceptor.IsConcurrent(new NpgsqlCommand(sql)));
}
