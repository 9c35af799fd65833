using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.AspireIntegrationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG013: Aspire's Npgsql client integrations where FlyMpg registers the database.</summary>
public sealed class AspireIntegrationTests
{
    private const string Context = """

        public class BookingsDb(DbContextOptions<BookingsDb> options) : DbContext(options);

        public class AuditDb(DbContextOptions<AuditDb> options) : DbContext(options);
        """;

    [Fact]
    public Task AddNpgsqlDbContext_is_reported_with_the_connection_name_it_reads() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);
        {|#0:builder.AddNpgsqlDbContext<BookingsDb>(connectionName: "bookings")|};
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.AspireIntegration).WithLocation(0).WithArguments(
            "AddNpgsqlDbContext",
            "bookings",
            "register it with builder.AddFlyPostgres<BookingsDb>() (FlyMpg), which reads DATABASE_URL and DIRECT_DATABASE_URL"));

    [Fact]
    public Task Without_FlyMpg_Aspire_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);
        builder.AddNpgsqlDbContext<BookingsDb>("bookings");
        builder.AddNpgsqlDataSource("bookings");
        """ + Context);

    [Fact]
    public Task A_keyed_data_source_is_reported_without_a_fix() => Verifier.FixWithFlyMpgAsync<AspireIntegrationCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG013:builder.AddKeyedNpgsqlDataSource("reports")|};
        """, """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG013:builder.AddKeyedNpgsqlDataSource("reports")|};
        """, topLevel: true);

    [Fact]
    public Task The_fix_registers_the_contexts_with_FlyMpg_and_removes_what_it_covers() => new Infrastructure.CodeFixTest<AspireIntegrationAnalyzer, AspireIntegrationCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        {|FLYMPG013:builder.AddNpgsqlDbContext<BookingsDb>(connectionName: "bookings")|};
        {|FLYMPG013:builder.AddNpgsqlDbContext<AuditDb>("bookings")|};
        {|FLYMPG013:builder.AddNpgsqlDataSource("bookings")|};

        var app = builder.Build();
        """ + Context + ServiceDefaults, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);

        builder.AddServiceDefaults();
        builder.AddFlyPostgres<BookingsDb>();
        builder.AddFlyDbContext<AuditDb>();

        var app = builder.Build();
        """ + Context + ServiceDefaults, topLevel: true, referencesFlyMpg: true).RunAsync();

    [Fact]
    public Task Settings_callbacks_get_no_fix_and_an_Enrich_goes() => Verifier.FixWithFlyMpgAsync<AspireIntegrationCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG013:builder.AddNpgsqlDbContext<BookingsDb>("bookings", settings => settings.DisableRetry = true)|};
        {|FLYMPG013:builder.EnrichNpgsqlDbContext<AuditDb>()|};
        """ + Context, """
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Hosting;
        using Microsoft.EntityFrameworkCore;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG013:builder.AddNpgsqlDbContext<BookingsDb>("bookings", settings => settings.DisableRetry = true)|};
        """ + Context, topLevel: true);

    private const string ServiceDefaults = """

        public static class Extensions
        {
            public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : Microsoft.Extensions.Hosting.IHostApplicationBuilder => builder;
        }
        """;
}
