using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.HangfireRegistrationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG012: Hangfire's PostgreSQL storage on a connection of its own, where FlyMpg.Hangfire's AddFlyHangfire belongs.</summary>
public sealed class OwnHangfireStorageTests
{
    [Fact]
    public Task AddHangfire_with_UsePostgreSqlStorage_is_reported_where_FlyMpg_is_referenced() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using Hangfire;
        using Hangfire.PostgreSql;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|#0:builder.Services.AddHangfire(config => config.UsePostgreSqlStorage(options => options.UseNpgsqlConnection("Host=db")))|};
        """,
        new DiagnosticResult(FlyMpgDiagnostics.OwnHangfireStorage).WithLocation(0));

    [Fact]
    public Task Without_FlyMpg_or_with_another_storage_nothing_is_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Hangfire;
        using Hangfire.PostgreSql;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddHangfire(config => config.UsePostgreSqlStorage(options => options.UseNpgsqlConnection("Host=db")));
        builder.Services.AddHangfire(config => config.UseSimpleAssemblyNameTypeSerializer());
        """);

    [Fact]
    public Task The_fix_registers_AddFlyHangfire_and_removes_the_server_where_FlyMpg_Hangfire_is_referenced() => Verifier.FixWithFlyMpgAsync<AddFlyHangfireCodeFixProvider>("""
        using Hangfire;
        using Hangfire.PostgreSql;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG012:builder.Services.AddHangfire(config => config
            .UseSimpleAssemblyNameTypeSerializer()
            .UsePostgreSqlStorage(options => options.UseNpgsqlConnection("Host=db")))|};
        builder.Services.AddHangfireServer();
        var app = builder.Build();
        """, """
        using FlyMpg.Hangfire;
        using Hangfire;
        using Hangfire.PostgreSql;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.AddFlyHangfire();
        var app = builder.Build();
        """, topLevel: true);
}
