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
        new DiagnosticResult(FlyMpgDiagnostics.StartupMigration).WithLocation(0).WithArguments(
            "Database.Migrate()",
            "remove the call: the migrate command, run by fly.toml's release_command over the direct connection, applies migrations"));

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

    private const string Helpers = """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        public static class DatabaseSetup
        {
            public static WebApplication MigrateDatabaseAndSeed(this WebApplication app)
            {
                using var scope = app.Services.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<AppDb>();
                db.Database.Migrate();
                Seed(db);
                return app;
            }

            private static void Seed(AppDb db) => db.SaveChanges();

            public static void MapAdmin(this WebApplication app) => app.MapPost("/admin/reset", (AppDb db) => db.Database.EnsureCreated());
        }

        public class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
        """;

    [Fact]
    public Task A_migration_in_a_helper_of_another_file_is_reported_at_the_startup_call_that_reaches_it() =>
        Verifier.ProjectDiagnosticsWithFlyMpgAsync("""
            using Microsoft.AspNetCore.Builder;

            var app = WebApplication.CreateBuilder(args).Build();
            {|#0:app.MigrateDatabaseAndSeed()|};
            app.MapAdmin();
            app.Run();
            """,
            [Helpers],
            new DiagnosticResult(FlyMpgDiagnostics.StartupMigration).WithLocation(0).WithLocation("/0/File1.cs", 11, 9).WithArguments(
                "app.MigrateDatabaseAndSeed(), which runs Database.Migrate() (File1.cs:11),",
                "run it in migrate only, after the migrations, on the direct connection: app.OnFlyMigrate(() => ...) (FlyMpg) around this statement"));

    [Fact]
    public Task A_hosted_service_that_migrates_is_reported_at_its_registration_without_a_fix() =>
        Verifier.ProjectDiagnosticsWithFlyMpgAsync("""
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.DependencyInjection;

            var builder = WebApplication.CreateBuilder(args);
            {|#0:builder.Services.AddHostedService<MigrationWorker>()|};
            builder.Build().Run();
            """,
            ["""
            using System.Threading;
            using System.Threading.Tasks;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.Extensions.DependencyInjection;
            using Microsoft.Extensions.Hosting;

            public sealed class MigrationWorker(IServiceScopeFactory scopes) : BackgroundService
            {
                protected override async Task ExecuteAsync(CancellationToken stoppingToken)
                {
                    using var scope = scopes.CreateScope();
                    await scope.ServiceProvider.GetRequiredService<AppDb>().Database.MigrateAsync(stoppingToken);
                }
            }

            public class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
            """],
            new DiagnosticResult(FlyMpgDiagnostics.StartupMigration).WithLocation(0).WithLocation("/0/File1.cs", 12, 15).WithArguments(
                "builder.Services.AddHostedService<MigrationWorker>(), which runs Database.MigrateAsync() (File1.cs:12) in the hosted service MigrationWorker,",
                "remove the registration of MigrationWorker and run its work with app.OnFlyMigrate(...) (FlyMpg), which runs it in migrate only, after the migrations, on the direct connection"));

    [Fact]
    public Task A_helper_that_migrates_only_in_development_or_is_called_from_an_endpoint_is_not_reported() =>
        Verifier.ProjectDiagnosticsWithFlyMpgAsync("""
            using Microsoft.AspNetCore.Builder;

            var app = WebApplication.CreateBuilder(args).Build();
            app.MigrateInDevelopment();
            app.MapGet("/reset", () => app.MigrateDatabaseAndSeed());
            app.Run();
            """,
            [Helpers, """
            using Microsoft.AspNetCore.Builder;
            using Microsoft.Extensions.Hosting;

            public static class DevelopmentSetup
            {
                public static void MigrateInDevelopment(this WebApplication app)
                {
                    if (app.Environment.IsDevelopment())
                    {
                        app.MigrateDatabaseAndSeed();
                    }
                }
            }
            """]);

    [Fact]
    public Task The_fix_moves_a_migrating_helper_call_behind_migrate() => new Infrastructure.CodeFixTest<StartupMigrationAnalyzer, RemoveStatementCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        // Schema and demo data.
        {|FLYMPG006:app.MigrateDatabaseAndSeed()|};
        app.Run();
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        // Schema and demo data.
        app.OnFlyMigrate(() => app.MigrateDatabaseAndSeed());
        app.Run();
        """, topLevel: true, referencesFlyMpg: true)
    {
        TestState = { Sources = { ("/0/Helpers.cs", Helpers) } },
        FixedState = { Sources = { ("/0/Helpers.cs", Helpers) } },
    }.RunAsync();

    [Fact]
    public Task The_fix_moves_EnsureCreated_in_a_scope_behind_migrate() => Verifier.FixWithFlyMpgAsync<RemoveStatementCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var app = WebApplication.CreateBuilder(args).Build();
        using (var scope = app.Services.CreateScope())
        {
            await {|FLYMPG006:scope.ServiceProvider.GetRequiredService<AppDb>().Database.EnsureCreatedAsync()|};
        }

        app.Run();
        """ + Context, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var app = WebApplication.CreateBuilder(args).Build();
        app.OnFlyMigrate(async () =>
        {
            using (var scope = app.Services.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<AppDb>().Database.EnsureCreatedAsync();
            }
        });

        app.Run();
        """ + Context, topLevel: true);
}
