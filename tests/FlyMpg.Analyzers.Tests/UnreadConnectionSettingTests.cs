using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.UnreadConnectionSettingAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG017: a connection string left behind once AddFlyPostgres reads DATABASE_URL.</summary>
public sealed class UnreadConnectionSettingTests
{
    [Fact]
    public Task An_unread_connection_string_is_reported_a_read_one_or_another_unread_local_is_not() => Verifier.TopLevelDiagnosticsWithFlyMpgAsync("""
        using System;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;

        var builder = WebApplication.CreateBuilder(args);
        var {|#0:connectionString = builder.Configuration.GetConnectionString("Default")|};
        var reporting = builder.Configuration.GetConnectionString("Reporting");
        var greeting = builder.Configuration["Greeting"];
        Console.WriteLine(reporting);
        """,
        new DiagnosticResult(FlyMpgDiagnostics.UnreadConnectionSetting).WithLocation(0).WithArguments("connectionString"));

    [Fact]
    public Task Without_FlyMpg_nothing_is_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;

        var builder = WebApplication.CreateBuilder(args);
        var connectionString = builder.Configuration.GetConnectionString("Default");
        """);

    [Fact]
    public Task The_fix_removes_it_and_the_settings_that_only_fed_it() => Verifier.FixWithFlyMpgAsync<RemoveUnreadSettingCodeFixProvider>("""
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        public class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                var timeout = Configuration.GetValue("Timeout", 30);

                // Ops hands out the database settings one by one.
                var database = Configuration.GetSection("Database");
                var {|FLYMPG017:connectionString = new NpgsqlConnectionStringBuilder
                {
                    Host = database["Host"],
                    Port = database.GetValue("Port", 5432),
                    Database = database["Name"],
                }.ConnectionString|};

                services.AddControllers();
                services.AddSingleton(new Settings(timeout));
            }
        }

        public record Settings(int Timeout);
        """, """
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        public class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                var timeout = Configuration.GetValue("Timeout", 30);

                services.AddControllers();
                services.AddSingleton(new Settings(timeout));
            }
        }

        public record Settings(int Timeout);
        """);

    [Fact]
    public Task A_required_connection_string_goes_with_its_throw() => Verifier.FixWithFlyMpgAsync<RemoveUnreadSettingCodeFixProvider>("""
        using System;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;

        var builder = WebApplication.CreateBuilder(args);
        var {|FLYMPG017:connectionString = builder.Configuration.GetConnectionString("Default")
            ?? throw new InvalidOperationException("ConnectionStrings:Default is missing.")|};

        var app = builder.Build();
        """, """
        using System;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.Extensions.Configuration;

        var builder = WebApplication.CreateBuilder(args);

        var app = builder.Build();
        """, topLevel: true);

    [Fact]
    public Task Removed_at_the_top_of_a_block_it_leaves_no_blank_line_there() => Verifier.FixWithFlyMpgAsync<RemoveUnreadSettingCodeFixProvider>("""
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        public class Startup(IConfiguration configuration)
        {
            public void ConfigureServices(IServiceCollection services)
            {
                var {|FLYMPG017:connectionString = configuration.GetConnectionString("Default")|};

                services.AddControllers();
            }
        }
        """, """
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        public class Startup(IConfiguration configuration)
        {
            public void ConfigureServices(IServiceCollection services)
            {
                services.AddControllers();
            }
        }
        """);
}
