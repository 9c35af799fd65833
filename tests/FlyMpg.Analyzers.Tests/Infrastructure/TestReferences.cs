using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;

namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>
/// What test snippets compile against: the assemblies this test project runs with (the .NET runtime plus Npgsql, EF Core,
/// Hangfire.PostgreSql), so nothing is downloaded; and, on request, a stand-in for the FlyMpg library.
/// </summary>
internal static class TestReferences
{
    /// <summary>No reference pack: the references come from <see cref="Runtime"/>.</summary>
    public static ReferenceAssemblies None { get; } = new("net10.0");

    public static ImmutableArray<MetadataReference> Runtime { get; } = LoadRuntime();

    /// <summary>An assembly named FlyMpg with the entry points (and the ContractStep attribute) of FlyMpg and FlyMpg.Hangfire the analyzers and code fixes name, with their real signatures.</summary>
    public static MetadataReference FlyMpgLibrary { get; } = CompileFlyMpgStandIn();

    private static ImmutableArray<MetadataReference> LoadRuntime()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return paths
            .Where(p => p.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }

    private static MetadataReference CompileFlyMpgStandIn()
    {
        const string source = """
            namespace FlyMpg
            {
                public static class FlyPostgres
                {
                    public const string DirectDataSourceKey = "flympg:direct";
                }

                public static class FlyPostgresExtensions
                {
                    public static Microsoft.Extensions.Hosting.IHostApplicationBuilder AddFlyPostgres<TContext>(this Microsoft.Extensions.Hosting.IHostApplicationBuilder builder) => builder;

                    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddFlyPostgres<TContext>(
                        this Microsoft.Extensions.DependencyInjection.IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration) => services;

                    public static Microsoft.Extensions.Hosting.IHostApplicationBuilder AddFlyDbContext<TContext>(this Microsoft.Extensions.Hosting.IHostApplicationBuilder builder) => builder;

                    public static Microsoft.Extensions.DependencyInjection.IServiceCollection AddFlyDbContext<TContext>(this Microsoft.Extensions.DependencyInjection.IServiceCollection services) => services;

                    public static Microsoft.AspNetCore.Routing.IEndpointRouteBuilder MapFlyHealthChecks(this Microsoft.AspNetCore.Routing.IEndpointRouteBuilder endpoints) => endpoints;
                }

                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class ContractStepAttribute : System.Attribute
                {
                    public ContractStepAttribute(params string[] dropped) => Dropped = dropped;

                    public System.Collections.Generic.IReadOnlyList<string> Dropped { get; }
                }

                public static class FlyCommandLine
                {
                    public static System.Threading.Tasks.Task<int> RunFlyAsync(this Microsoft.AspNetCore.Builder.WebApplication app, string[] args) =>
                        System.Threading.Tasks.Task.FromResult(0);

                    public static System.Threading.Tasks.Task<int> RunFlyAsync(this Microsoft.Extensions.Hosting.IHost host, string[] args) =>
                        System.Threading.Tasks.Task.FromResult(0);

            #pragma warning disable ASPDEPR008
                    public static System.Threading.Tasks.Task<int> RunFlyAsync(this Microsoft.AspNetCore.Hosting.IWebHost host, string[] args) =>
                        System.Threading.Tasks.Task.FromResult(0);
            #pragma warning restore ASPDEPR008
                }
            }

            namespace FlyMpg
            {
                public static class FlyMigrate
                {
                    public static Microsoft.Extensions.Hosting.IHost OnFlyMigrate(this Microsoft.Extensions.Hosting.IHost host, System.Func<System.Threading.Tasks.Task> step) => host;

                    public static Microsoft.Extensions.Hosting.IHost OnFlyMigrate(this Microsoft.Extensions.Hosting.IHost host, System.Action step) => host;
            #pragma warning disable ASPDEPR008
                    public static Microsoft.AspNetCore.Hosting.IWebHost OnFlyMigrate(this Microsoft.AspNetCore.Hosting.IWebHost host, System.Func<System.Threading.Tasks.Task> step) => host;

                    public static Microsoft.AspNetCore.Hosting.IWebHost OnFlyMigrate(this Microsoft.AspNetCore.Hosting.IWebHost host, System.Action step) => host;
            #pragma warning restore ASPDEPR008
                }
            }

            namespace FlyMpg.Hangfire
            {
                public static class FlyHangfireExtensions
                {
                    public static Microsoft.Extensions.Hosting.IHostApplicationBuilder AddFlyHangfire(this Microsoft.Extensions.Hosting.IHostApplicationBuilder builder) => builder;
                }
            }
            """;
        var compilation = CSharpCompilation.Create(
            "FlyMpg",
            [CSharpSyntaxTree.ParseText(source)],
            Runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, result.Diagnostics));
        }

        return MetadataReference.CreateFromImage(stream.ToArray());
    }
}
