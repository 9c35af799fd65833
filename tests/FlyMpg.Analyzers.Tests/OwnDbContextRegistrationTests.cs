using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.DbContextRegistrationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG010: AddDbContext / AddDbContextPool with UseNpgsql, which AddFlyPostgres replaces.</summary>
public sealed class OwnDbContextRegistrationTests
{
    private const string Context = """

        class AppDb(DbContextOptions<AppDb> options) : DbContext(options);
        """;

    [Fact]
    public Task AddDbContext_on_builder_Services_is_reported_with_AddFlyPostgres_on_the_builder() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|#0:builder.Services.AddDbContext<AppDb>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("Default")))|};
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.OwnDbContextRegistration).WithLocation(0).WithArguments("AddDbContext", "AppDb", "builder.AddFlyPostgres<AppDb>()"));

    [Fact]
    public Task AddDbContextPool_in_a_Startup_class_is_reported_with_the_configuration_in_scope() => Verifier.DiagnosticsAsync("""
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services) =>
                {|#0:services.AddDbContextPool<AppDb>((provider, options) => options.UseNpgsql("Host=db"))|};
        }
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.OwnDbContextRegistration).WithLocation(0).WithArguments("AddDbContextPool", "AppDb", "services.AddFlyPostgres<AppDb>(Configuration)"));

    [Fact]
    public Task Options_beyond_UseNpgsql_are_reported_without_a_replacement() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|#0:builder.Services.AddDbContext<AppDb>(options => options.UseNpgsql("Host=db").EnableSensitiveDataLogging())|};
        """ + Context,
        new DiagnosticResult(FlyMpgDiagnostics.OwnDbContextRegistration).WithLocation(0).WithArguments(
            "AddDbContext", "AppDb", "builder.AddFlyPostgres<AppDb>() (or services.AddFlyPostgres<AppDb>(configuration)) and move the other options"));

    [Fact]
    public Task AddDbContext_with_another_provider_or_none_is_not_reported() => Verifier.TopLevelDiagnosticsAsync("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddDbContext<AppDb>();
        builder.Services.AddDbContext<AppDb>(options => options.EnableDetailedErrors());
        """ + Context);

    [Fact]
    public Task The_fix_replaces_the_registration_and_adds_the_using() => Verifier.FixWithFlyMpgAsync<AddFlyPostgresCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        // The database.
        {|FLYMPG010:builder.Services.AddDbContext<AppDb>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("Default")))|};
        var app = builder.Build();
        """ + Context, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        // The database.
        builder.AddFlyPostgres<AppDb>();
        var app = builder.Build();
        """ + Context, topLevel: true);

    [Fact]
    public Task The_fix_in_a_Startup_class_passes_its_configuration() => Verifier.FixWithFlyMpgAsync<AddFlyPostgresCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                {|FLYMPG010:services.AddDbContextPool<AppDb>(options => options.UseNpgsql(Configuration.GetConnectionString("Default")))|};
                services.AddControllers();
            }
        }
        """ + Context, """
        using FlyMpg;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;

        class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                services.AddFlyPostgres<AppDb>(Configuration);
                services.AddControllers();
            }
        }
        """ + Context);

    [Fact]
    public Task The_fix_passes_the_root_configuration_not_a_section_local_in_scope_and_removes_what_nothing_reads() => Verifier.FixWithFlyMpgAsync<AddFlyPostgresCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                var database = Configuration.GetSection("Database");
                var connectionString = new NpgsqlConnectionStringBuilder { Host = database["Host"], Database = database["Name"] }.ConnectionString;
                {|FLYMPG010:services.AddDbContext<AppDb>(options => options.UseNpgsql(connectionString))|};
            }
        }
        """ + Context, """
        using FlyMpg;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Startup(IConfiguration configuration)
        {
            public IConfiguration Configuration { get; } = configuration;

            public void ConfigureServices(IServiceCollection services)
            {
                services.AddFlyPostgres<AppDb>(Configuration);
            }
        }
        """ + Context);

    [Fact]
    public Task A_bare_AddDbContext_of_a_context_that_configures_Npgsql_itself_is_replaced() => Verifier.FixWithFlyMpgAsync<AddFlyPostgresCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG010:builder.Services.AddDbContext<SelfConfigured>()|};
        builder.Services.AddDbContext<Other>();

        public class SelfConfigured : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseNpgsql("Host=localhost");
        }

        public class Other : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.EnableDetailedErrors();
        }
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.AddFlyPostgres<SelfConfigured>();
        builder.Services.AddDbContext<Other>();

        public class SelfConfigured : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.UseNpgsql("Host=localhost");
        }

        public class Other : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) => optionsBuilder.EnableDetailedErrors();
        }
        """, topLevel: true);

    [Fact]
    public Task A_second_context_joins_the_first_with_AddFlyDbContext() => Verifier.FixWithFlyMpgAsync<AddFlyPostgresCodeFixProvider>("""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        {|FLYMPG010:builder.Services.AddDbContext<AppDb>(options => options.UseNpgsql("Host=db"))|};
        {|FLYMPG010:builder.Services.AddDbContext<AuditDb>(options => options.UseNpgsql("Host=db"))|};
        """ + Context + """

        class AuditDb(DbContextOptions<AuditDb> options) : DbContext(options);
        """, """
        using FlyMpg;
        using Microsoft.AspNetCore.Builder;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.DependencyInjection;

        var builder = WebApplication.CreateBuilder(args);
        builder.AddFlyPostgres<AppDb>();
        builder.AddFlyDbContext<AuditDb>();
        """ + Context + """

        class AuditDb(DbContextOptions<AuditDb> options) : DbContext(options);
        """, topLevel: true);
}
