using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.CommandDispatchAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG011: a web app that never dispatches migrate / doctor / worker.</summary>
public sealed class NoCommandDispatchTests
{
    [Fact]
    public Task App_Run_in_top_level_statements_is_reported_where_FlyMpg_is_referenced() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();
        {|#0:app.Run()|};
        """,
        new DiagnosticResult(FlyMpgDiagnostics.NoCommandDispatch).WithLocation(0).WithArguments("app.Run()"));

    [Fact]
    public Task App_RunAsync_in_a_static_Main_is_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;

        static class Program
        {
            static async Task Main(string[] args)
            {
                var app = WebApplication.CreateBuilder(args).Build();
                await {|FLYMPG011:app.RunAsync()|};
            }
        }
        """);

    [Fact]
    public Task Without_FlyMpg_app_Run_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();
        app.Run();
        """);

    [Fact]
    public Task Run_inside_a_lambda_or_RunFlyAsync_is_not_reported() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using System;
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();
        Action later = () => app.Run();
        return await app.RunFlyAsync(args);
        """);

    [Fact]
    public Task The_fix_dispatches_with_RunFlyAsync_and_maps_the_health_checks() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        {|FLYMPG011:app.Run()|};
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        app.MapFlyHealthChecks();
        return await app.RunFlyAsync(args);
        """, topLevel: true);

    [Fact]
    public Task The_fix_keeps_a_healthz_of_the_service_and_replaces_an_awaited_RunAsync() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;

        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/healthz", () => Results.Ok());
        await {|FLYMPG011:app.RunAsync()|};
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;

        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/healthz", () => Results.Ok());
        return await app.RunFlyAsync(args);
        """, topLevel: true);

    [Fact]
    public Task The_fix_in_a_static_Main_makes_it_return_the_exit_code() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Builder;

        public class Program
        {
            public static void Main(string[] arguments)
            {
                var app = WebApplication.CreateBuilder(arguments).Build();
                {|FLYMPG011:app.Run()|};
            }
        }
        """, """
        using System.Threading.Tasks;
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        public class Program
        {
            public static async Task<int> Main(string[] arguments)
            {
                var app = WebApplication.CreateBuilder(arguments).Build();
                app.MapFlyHealthChecks();
                return await app.RunFlyAsync(arguments);
            }
        }
        """);

    [Fact]
    public Task The_fix_in_a_Main_without_the_tasks_namespace_qualifies_Task() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;

        public class Program
        {
            public static void Main(string[] args)
            {
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/healthz", () => "ok");
                {|FLYMPG011:app.Run()|};
            }
        }
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        public class Program
        {
            public static async System.Threading.Tasks.Task<int> Main(string[] args)
            {
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapGet("/healthz", () => "ok");
                return await app.RunFlyAsync(args);
            }
        }
        """);
}
