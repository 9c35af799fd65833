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

    [Fact]
    public Task A_classic_web_host_run_in_Main_is_reported_and_dispatched() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        #pragma warning disable ASPDEPR004, ASPDEPR008
        using Microsoft.AspNetCore;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Hosting;

        public class Program
        {
            public static void Main(string[] args)
            {
                var host = CreateWebHostBuilder(args).Build();
                {|FLYMPG011:host.Run()|};
            }

            public static IWebHostBuilder CreateWebHostBuilder(string[] args) =>
                WebHost.CreateDefaultBuilder(args).UseStartup<Startup>();
        }

        public class Startup
        {
            public void Configure(IApplicationBuilder app) => app.UseEndpoints(endpoints => endpoints.MapGet("/healthz", () => "ok"));
        }
        """, """
        #pragma warning disable ASPDEPR004, ASPDEPR008
        using FlyMpg;
        using Microsoft.AspNetCore;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Hosting;

        public class Program
        {
            public static async System.Threading.Tasks.Task<int> Main(string[] args)
            {
                var host = CreateWebHostBuilder(args).Build();
                return await host.RunFlyAsync(args);
            }

            public static IWebHostBuilder CreateWebHostBuilder(string[] args) =>
                WebHost.CreateDefaultBuilder(args).UseStartup<Startup>();
        }

        public class Startup
        {
            public void Configure(IApplicationBuilder app) => app.UseEndpoints(endpoints => endpoints.MapGet("/healthz", () => "ok"));
        }
        """);

    [Fact]
    public Task A_generic_host_built_and_run_in_one_statement_is_dispatched_without_mapping_on_the_host() => Verifier.FixWithFlyMpgAsync<RunFlyAsyncCodeFixProvider>("""
        using System.Threading.Tasks;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.Extensions.Hosting;

        public class Program
        {
            public static async Task Main(string[] args)
            {
                await {|FLYMPG011:CreateHostBuilder(args).Build().RunAsync()|};
            }

            public static IHostBuilder CreateHostBuilder(string[] args) =>
                Host.CreateDefaultBuilder(args).ConfigureWebHostDefaults(web => web.Configure(app => { }));
        }
        """, """
        using System.Threading.Tasks;
        using FlyMpg;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.Extensions.Hosting;

        public class Program
        {
            public static async Task<int> Main(string[] args)
            {
                return await CreateHostBuilder(args).Build().RunFlyAsync(args);
            }

            public static IHostBuilder CreateHostBuilder(string[] args) =>
                Host.CreateDefaultBuilder(args).ConfigureWebHostDefaults(web => web.Configure(app => { }));
        }
        """);

    [Fact]
    public Task A_host_run_outside_the_entry_point_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.Extensions.Hosting;

        public static class Hosts
        {
            public static void RunInTests(IHost host) => host.Run();
        }
        """);
}
