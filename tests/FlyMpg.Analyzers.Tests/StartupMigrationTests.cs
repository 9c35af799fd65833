using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.StartupMigrationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG006: schema changes while the web host starts.</summary>
public sealed class StartupMigrationTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options);

        static class Environment
        {
            public static bool IsDevelopment() => false;
        }
        """;

    [Fact]
    public Task Migrate_in_top_level_statements_is_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        using (var db = new AppDb(new DbContextOptions<AppDb>()))
        {
            {|#0:db.Database.Migrate()|};
        }
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.StartupMigration).WithLocation(0).WithArguments("Database.Migrate()"));

    [Fact]
    public Task MigrateAsync_and_EnsureCreatedAsync_in_top_level_statements_are_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        await using var db = new AppDb(new DbContextOptions<AppDb>());
        await {|FLYMPG006:db.Database.MigrateAsync()|};
        await {|FLYMPG006:db.Database.EnsureCreatedAsync()|};
        """ + Context);

    [Fact]
    public Task EnsureCreated_in_a_static_Main_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        static class Program
        {
            static void Main(string[] args)
            {
                using var db = new AppDb(new DbContextOptions<AppDb>());
                {|FLYMPG006:db.Database.EnsureCreated()|};
            }
        }
        """ + Context);

    [Fact]
    public Task Migrate_in_Startup_Configure_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class Startup
        {
            public void Configure(AppDb db) => {|FLYMPG006:db.Database.Migrate()|};
        }
        """ + Context);

    [Fact]
    public Task Migrate_in_a_command_type_or_a_Migrate_method_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;

        class MigrateCommand
        {
            public static void Main(AppDb db) => db.Database.Migrate();
        }

        class Startup
        {
            public void MigrateDatabase(AppDb db) => db.Database.Migrate();
        }

        class Orders
        {
            public void Reset(AppDb db) => db.Database.EnsureCreated();
        }
        """ + Context);

    [Fact]
    public Task Migrate_under_a_command_line_or_environment_check_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        using var db = new AppDb(new DbContextOptions<AppDb>());
        if (args.Contains("migrate"))
        {
            db.Database.Migrate();
            return;
        }

        if (System.Environment.GetEnvironmentVariable("RELEASE_COMMAND") is not null)
        {
            db.Database.Migrate();
        }

        if (Environment.IsDevelopment())
        {
            db.Database.EnsureCreated();
        }
        """ + Context);

    [Fact]
    public Task Migrate_inside_a_lambda_of_the_startup_code_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using System;
        using Microsoft.EntityFrameworkCore;

        using var db = new AppDb(new DbContextOptions<AppDb>());
        Action migrate = () => db.Database.Migrate();
        void Local() => db.Database.Migrate();
        """ + Context);

    [Fact]
    public Task Migrate_in_a_comment_or_a_string_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        // db.Database.Migrate();
        System.Console.WriteLine("db.Database.Migrate()");
        """);

    [Fact]
    public Task The_fix_removes_the_startup_Migrate_statement() => Verifier.FixAsync<RemoveStatementCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        using (var db = new AppDb(new DbContextOptions<AppDb>()))
        {
            {|FLYMPG006:db.Database.Migrate()|};
            System.Console.WriteLine("started");
        }

        await {|FLYMPG006:new AppDb(new DbContextOptions<AppDb>()).Database.MigrateAsync()|};
        System.Console.WriteLine("ready");
        """ + Context, """
        using Microsoft.EntityFrameworkCore;

        using (var db = new AppDb(new DbContextOptions<AppDb>()))
        {
            System.Console.WriteLine("started");
        }

        System.Console.WriteLine("ready");
        """ + Context, topLevel: true);

    [Fact]
    public Task The_fix_removes_a_scope_that_only_resolved_the_context_to_migrate() => Verifier.FixAsync<RemoveStatementCodeFixProvider>("""
        using System;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
        System.Console.WriteLine("built");

        // Keep the schema current on every start.
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            {|FLYMPG006:db.Database.Migrate()|};
        }

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            {|FLYMPG006:db.Database.Migrate()|};
            System.Console.WriteLine("seeded");
        }
        """ + Context, """
        using System;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        IServiceProvider services = new ServiceCollection().BuildServiceProvider();
        System.Console.WriteLine("built");

        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            System.Console.WriteLine("seeded");
        }
        """ + Context, topLevel: true);

    [Fact]
    public Task EnsureCreated_gets_no_automatic_fix() => Verifier.FixAsync<RemoveStatementCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        class Startup
        {
            public void Configure(AppDb db) => {|FLYMPG006:db.Database.EnsureCreated()|};
        }
        """ + Context, """
        using Microsoft.EntityFrameworkCore;

        class Startup
        {
            public void Configure(AppDb db) => {|FLYMPG006:db.Database.EnsureCreated()|};
        }
        """ + Context);
}
