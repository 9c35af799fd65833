using FlyMpg.Commands;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace FlyMpg.Tests;

/// <summary>
/// <c>migrate</c> refuses a compiled model that no longer describes the model in code: a service run with it would
/// read and write the tables as they were before the change. A compiled model is a read-optimized model handed to
/// EF (here with <c>UseModel</c>, in a service by <c>dotnet ef dbcontext optimize</c>'s assembly attribute).
/// </summary>
public class CompiledModelCheckTests
{
    [Fact]
    public void A_compiled_model_of_the_same_code_passes()
    {
        using var db = new OrdersContext(Options<OrdersContext>(ReadOptimizedModel(new OrdersContext(Options<OrdersContext>()))));

        Assert.Null(CompiledModelCheck.FindDifference(db));
    }

    [Fact]
    public void A_context_without_a_compiled_model_passes()
    {
        using var db = new OrdersContext(Options<OrdersContext>());

        Assert.Null(CompiledModelCheck.FindDifference(db));
    }

    [Fact]
    public void A_compiled_model_made_before_a_column_was_added_is_reported_with_the_column()
    {
        // The same entity and table before a Notes column was added to the code.
        var before = ReadOptimizedModel(new OrdersBeforeNotesContext(Options<OrdersBeforeNotesContext>()));
        using var db = new OrdersContext(Options<OrdersContext>(before));

        var difference = CompiledModelCheck.FindDifference(db);

        Assert.NotNull(difference);
        Assert.Contains("Notes", difference.Value.InCode);
        Assert.Contains("column notes", difference.Value.InCode);
    }

    private static IModel ReadOptimizedModel(DbContext db)
    {
        using (db)
        {
            return db.Model;
        }
    }

    private static DbContextOptions<T> Options<T>(IModel? model = null)
        where T : DbContext
    {
        var options = new DbContextOptionsBuilder<T>().UseNpgsql("Host=localhost;Database=spec");
        return (model is null ? options : options.UseModel(model)).Options;
    }

    private sealed class Order
    {
        public int Id { get; set; }
        public required string Title { get; set; }
        public string? Notes { get; set; }
    }

    private sealed class OrdersContext(DbContextOptions<OrdersContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Title).HasColumnName("title").HasMaxLength(200);
            order.Property(o => o.Notes).HasColumnName("notes");
        });
    }

    private sealed class OrdersBeforeNotesContext(DbContextOptions<OrdersBeforeNotesContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.Property(o => o.Title).HasColumnName("title").HasMaxLength(200);
            order.Ignore(o => o.Notes);
        });
    }
}
