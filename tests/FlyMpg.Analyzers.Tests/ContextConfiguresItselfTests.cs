using FlyMpg.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.Testing;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.ContextConfigurationAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG015: a context that configures Npgsql in OnConfiguring, over whatever AddFlyPostgres gave it.</summary>
public sealed class ContextConfiguresItselfTests
{
    [Fact]
    public Task An_unguarded_UseNpgsql_in_OnConfiguring_is_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;

        public class TodoContext : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
                {|#0:optionsBuilder.UseNpgsql("Host=localhost")|};
        }
        """,
        new DiagnosticResult(FlyMpgDiagnostics.ContextConfiguresItself).WithLocation(0).WithArguments("TodoContext"));

    [Fact]
    public Task A_guarded_context_with_an_options_constructor_or_a_project_without_FlyMpg_is_not_reported() => Verifier.DiagnosticsWithFlyMpgAsync("""
        using Microsoft.EntityFrameworkCore;

        public class TodoContext(DbContextOptions<TodoContext> options) : DbContext(options)
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            {
                if (!optionsBuilder.IsConfigured)
                {
                    optionsBuilder.UseNpgsql("Host=localhost");
                }
            }
        }
        """);

    [Fact]
    public Task The_fix_guards_the_call_and_takes_the_options_in_the_constructor() => Verifier.FixWithFlyMpgAsync<ContextConfigurationCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;

        public class TodoContext : DbContext
        {
            private readonly IConfiguration _configuration;

            public TodoContext(IConfiguration configuration)
            {
                _configuration = configuration;
            }

            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
                {|FLYMPG015:optionsBuilder.UseNpgsql(_configuration.GetConnectionString("Default"))|};
        }
        """, """
        using Microsoft.EntityFrameworkCore;
        using Microsoft.Extensions.Configuration;

        public class TodoContext : DbContext
        {
            private readonly IConfiguration _configuration;

            public TodoContext(DbContextOptions<TodoContext> options, IConfiguration configuration) : base(options)
            {
                _configuration = configuration;
            }

            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            {
                if (!optionsBuilder.IsConfigured)
                {
                    optionsBuilder.UseNpgsql(_configuration.GetConnectionString("Default"));
                }
            }
        }
        """);

    [Fact]
    public Task A_context_without_a_constructor_gets_one_and_a_primary_constructor_gets_the_parameter() => Verifier.FixWithFlyMpgAsync<ContextConfigurationCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        public class TodoContext : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder options)
            {
                {|FLYMPG015:options.UseNpgsql("Host=localhost")|};
            }
        }

        public class AuditContext(string schema) : DbContext
        {
            public string Schema { get; } = schema;

            protected override void OnConfiguring(DbContextOptionsBuilder builder) => {|FLYMPG015:builder.UseNpgsql("Host=localhost")|};
        }
        """, """
        using Microsoft.EntityFrameworkCore;

        public class TodoContext : DbContext
        {
            public TodoContext(DbContextOptions<TodoContext> options)
                : base(options)
            {
            }

            protected override void OnConfiguring(DbContextOptionsBuilder options)
            {
                if (!options.IsConfigured)
                {
                    options.UseNpgsql("Host=localhost");
                }
            }
        }

        public class AuditContext(DbContextOptions<AuditContext> options, string schema) : DbContext(options)
        {
            public string Schema { get; } = schema;

            protected override void OnConfiguring(DbContextOptionsBuilder builder)
            {
                if (!builder.IsConfigured)
                {
                    builder.UseNpgsql("Host=localhost");
                }
            }
        }
        """);

    [Fact]
    public Task OnConfiguring_that_does_more_gets_no_fix() => Verifier.FixWithFlyMpgAsync<ContextConfigurationCodeFixProvider>("""
        using Microsoft.EntityFrameworkCore;

        public class TodoContext : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            {
                {|FLYMPG015:optionsBuilder.UseNpgsql("Host=localhost")|};
                optionsBuilder.EnableDetailedErrors();
            }
        }
        """, """
        using Microsoft.EntityFrameworkCore;

        public class TodoContext : DbContext
        {
            protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
            {
                {|FLYMPG015:optionsBuilder.UseNpgsql("Host=localhost")|};
                optionsBuilder.EnableDetailedErrors();
            }
        }
        """);
}
