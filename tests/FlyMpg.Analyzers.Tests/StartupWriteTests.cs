using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.StartupMigrationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG018: database writes (seeding) while the web host starts, before the command dispatch.</summary>
public sealed class StartupWriteTests
{
    private const string Context = """

        public class AppDb(DbContextOptions<AppDb> options) : DbContext(options);

        public static class SeedData
        {
            public static void Initialize(AppDb db) => db.SaveChanges();
        }
        """;

    [Fact]
    public Task Seeding_in_the_scope_that_migrates_is_reported_beside_the_migration() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var app = WebApplication.CreateBuilder(args).Build();
        using (var scope = app.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDb>();
            {|#1:db.Database.Migrate()|};
            {|#0:SeedData.Initialize(db)|};
        }

        app.Run();
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.StartupMigration).WithLocation(1).WithArguments(
            "Database.Migrate()",
            "remove the call: the migrate command, run by fly.toml's release_command over the direct connection, applies migrations"),
        new DiagnosticResult(FlyMpgDiagnostics.StartupWrite).WithLocation(0).WithLocation(18, 48).WithArguments(
            "SeedData.Initialize(db), which runs SaveChanges() (Test0.cs:18),",
            "run it in migrate only, after the migrations, on the direct connection: app.OnFlyMigrate(() => ...) (FlyMpg) around this statement"));

    [Fact]
    public Task Reads_and_writes_in_endpoints_or_under_a_development_check_are_not_reported() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using System.Linq;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;

        var app = WebApplication.CreateBuilder(args).Build();
        app.MapPost("/seed", (AppDb db) => SeedData.Initialize(db));
        if (app.Environment.IsDevelopment())
        {
            using var scope = app.Services.CreateScope();
            SeedData.Initialize(scope.ServiceProvider.GetRequiredService<AppDb>());
        }

        using (var scope = app.Services.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<AppDb>().Database.CanConnect();
        }

        app.Run();
        """ + Context);

    [Fact]
    public Task The_fix_moves_the_seeding_scope_behind_migrate() => Verifier.FixWithFlyMpgAsync<DeferToMigrateCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var app = WebApplication.CreateBuilder(args).Build();

        using (var scope = app.Services.CreateScope())
        {
            {|FLYMPG018:SeedData.Initialize(scope.ServiceProvider.GetRequiredService<AppDb>())|};
        }

        app.Run();
        """ + Context, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var app = WebApplication.CreateBuilder(args).Build();

        app.OnFlyMigrate(() =>
        {
            using (var scope = app.Services.CreateScope())
            {
                SeedData.Initialize(scope.ServiceProvider.GetRequiredService<AppDb>());
            }
        });

        app.Run();
        """ + Context, topLevel: true);

    [Fact]
    public Task Before_the_host_is_built_there_is_nothing_to_defer_on() => Verifier.FixWithFlyMpgAsync<DeferToMigrateCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        using var db = new AppDb(new DbContextOptions<AppDb>());
        {|FLYMPG018:db.SaveChanges()|};
        """ + Context, """
        using Microsoft.EntityFrameworkCore;

        using var db = new AppDb(new DbContextOptions<AppDb>());
        {|FLYMPG018:db.SaveChanges()|};
        """ + Context, topLevel: true);
}
