using FlyMpg.Commands;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FlyMpg.Tests;

/// <summary>
/// Which indexes the pending migrations build CONCURRENTLY: an INVALID index of one of these names was left by an
/// earlier try that failed, and migrate drops it so the migration resumes. Read from the migrations' operations, as
/// Npgsql's annotation or as SQL; a plain index is built in the migration's transaction and leaves nothing behind.
/// </summary>
public class InvalidIndexesTests
{
    [Fact]
    public void Indexes_built_concurrently_by_pending_migrations_are_found_by_name_and_schema()
    {
        using var db = new IndexContext(new DbContextOptionsBuilder<IndexContext>().UseNpgsql("Host=localhost").Options);

        var indexes = InvalidIndexes.BuiltConcurrentlyBy(db, ["20260101000000_Indexes", "20260102000000_NotKnown"]);

        Assert.Equal(
            [
                new PendingIndex("20260101000000_Indexes", null, "IX_todos_done"),
                new PendingIndex("20260101000000_Indexes", "app", "Todos_Title"),
                new PendingIndex("20260101000000_Indexes", null, "todos_created"),
            ],
            indexes);
    }

    private sealed class IndexContext(DbContextOptions<IndexContext> options) : DbContext(options);

    [DbContext(typeof(IndexContext))]
    [Migration("20260101000000_Indexes")]
    private sealed class Indexes : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(name: "IX_todos_done", table: "todos", column: "done").Annotation("Npgsql:CreatedConcurrently", true);
            migrationBuilder.CreateIndex(name: "IX_todos_plain", table: "todos", column: "title");
            migrationBuilder.Sql("""CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS app."Todos_Title" ON app.todos (title)""", suppressTransaction: true);
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY Todos_Created ON todos (created_at)", suppressTransaction: true);
            migrationBuilder.Sql("CREATE INDEX CONCURRENTLY ON todos (id)", suppressTransaction: true);
        }
    }
}
