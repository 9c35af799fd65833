using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.HealthEndpointAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG016: a service whose host runs (or dispatches with RunFlyAsync) while nothing maps the /healthz fly.toml checks.</summary>
public sealed class NoHealthEndpointTests
{
    private const string Startup = """
        public class Startup
        {
            public void ConfigureServices(IServiceCollection services) => services.AddControllers();

            public void Configure(IApplicationBuilder app)
            {
                app.UseRouting();
                app.UseEndpoints(endpoints =>
                {
                    endpoints.MapControllers();
                });
            }
        }
        """;

    [Fact]
    public Task RunFlyAsync_without_a_healthz_anywhere_is_reported() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();
        return await {|#0:app.RunFlyAsync(args)|};
        """,
        new DiagnosticResult(FlyMpgDiagnostics.NoHealthEndpoint).WithLocation(0));

    [Fact]
    public Task A_healthz_route_of_the_service_or_MapFlyHealthChecks_in_another_file_is_enough() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using System.Threading.Tasks;
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Routing;

        public static class Program
        {
            public static Task<int> Main(string[] args)
            {
                var app = WebApplication.CreateBuilder(args).Build();
                app.MapEndpoints();
                return app.RunFlyAsync(args);
            }
        }

        public static class Endpoints
        {
            public static void MapEndpoints(this IEndpointRouteBuilder endpoints) => endpoints.MapGet("/healthz", () => "ok");
        }
        """);

    [Fact]
    public Task Without_FlyMpg_nothing_is_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();
        app.Run();
        """);

    [Fact]
    public Task The_fix_maps_the_health_checks_on_the_app_before_it_runs() => Verifier.FixWithFlyMpgAsync<HealthEndpointCodeFixProvider>("""
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        // Serve.
        return await {|FLYMPG016:app.RunFlyAsync(args)|};
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;

        var app = WebApplication.CreateBuilder(args).Build();

        // Serve.
        app.MapFlyHealthChecks();
        return await app.RunFlyAsync(args);
        """, topLevel: true);

    [Fact]
    public Task On_a_classic_host_the_fix_maps_them_in_the_Startup_class_UseEndpoints() => Verifier.FixWithFlyMpgAsync<HealthEndpointCodeFixProvider>($$"""
        #pragma warning disable ASPDEPR004, ASPDEPR008
        using System.Threading.Tasks;
        using FlyMpg;
        using Microsoft.AspNetCore;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.Extensions.DependencyInjection;

        public class Program
        {
            public static async Task<int> Main(string[] args) =>
                await {|FLYMPG016:WebHost.CreateDefaultBuilder(args).UseStartup<Startup>().Build().RunFlyAsync(args)|};
        }

        {{Startup}}
        """, $$"""
        #pragma warning disable ASPDEPR004, ASPDEPR008
        using System.Threading.Tasks;
        using FlyMpg;
        using Microsoft.AspNetCore;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Hosting;
        using Microsoft.Extensions.DependencyInjection;

        public class Program
        {
            public static async Task<int> Main(string[] args) =>
                await WebHost.CreateDefaultBuilder(args).UseStartup<Startup>().Build().RunFlyAsync(args);
        }

        {{Startup.Replace("            endpoints.MapControllers();\n", "            endpoints.MapControllers();\n            endpoints.MapFlyHealthChecks();\n")}}
        """);

    [Fact]
    public Task Without_a_UseEndpoints_to_map_them_in_a_classic_host_no_fix_is_offered() => Verifier.FixWithFlyMpgAsync<HealthEndpointCodeFixProvider>("""
        using Microsoft.Extensions.Hosting;

        public class Program
        {
            public static void Main(string[] args) => {|FLYMPG016:Host.CreateDefaultBuilder(args).Build().Run()|};
        }
        """, """
        using Microsoft.Extensions.Hosting;

        public class Program
        {
            public static void Main(string[] args) => {|FLYMPG016:Host.CreateDefaultBuilder(args).Build().Run()|};
        }
        """);
}
