using FlyMpg.Analyzers.CodeFixes;
using FlyMpg.Analyzers.Tests.Infrastructure;
using Verifier = FlyMpg.Analyzers.Tests.Infrastructure.Verify<FlyMpg.Analyzers.PreparedStatementAnalyzer>;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG001: named prepared statements through PgBouncer in transaction mode.</summary>
public sealed class PreparedStatementTests
{
    [Fact]
    public Task Prepare_on_a_pooled_command_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            void Load()
            {
                using var command = dataSource.CreateCommand("SELECT * FROM orders WHERE id = $1");
                {|FLYMPG001:command.Prepare()|};
            }
        }
        """);

    [Fact]
    public Task PrepareAsync_on_a_command_built_on_an_opened_connection_is_reported() => Verifier.DiagnosticsAsync("""
        using System.Threading.Tasks;
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            async Task LoadAsync()
            {
                await using var connection = await dataSource.OpenConnectionAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await {|FLYMPG001:command.PrepareAsync()|};
            }
        }
        """);

    [Fact]
    public Task Prepare_on_a_batch_is_reported() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Orders
        {
            void Load(NpgsqlConnection connection)
            {
                using var batch = new NpgsqlBatch(connection);
                {|FLYMPG001:batch.Prepare()|};
            }
        }
        """);

    [Fact]
    public Task The_message_names_the_call_and_the_fix() => Verifier.DiagnosticsAsync("""
        using Npgsql;

        class Orders
        {
            void Load(NpgsqlCommand command) => {|#0:command.Prepare()|};
        }
        """,
        Microsoft.CodeAnalysis.Testing.DiagnosticResult.CompilerWarning("FLYMPG001").WithLocation(0).WithArguments("NpgsqlCommand.Prepare()"));

    [Fact]
    public Task Prepare_on_a_command_from_the_direct_data_source_parameter_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System.Threading.Tasks;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Reports
        {
            async Task RunAsync([FromKeyedServices("flympg:direct")] NpgsqlDataSource direct)
            {
                await using var connection = await direct.OpenConnectionAsync().ConfigureAwait(false);
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                await command.PrepareAsync();
                await using var other = direct.CreateCommand("SELECT 2");
                other.Prepare();
            }
        }
        """);

    [Fact]
    public Task Prepare_on_a_command_from_a_direct_primary_constructor_parameter_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Reports([FromKeyedServices("flympg:direct")] NpgsqlDataSource direct)
        {
            void Run()
            {
                using var command = direct.CreateCommand("SELECT 1");
                command.Prepare();
            }
        }
        """);

    [Fact]
    public Task Prepare_on_a_command_from_a_field_assigned_the_direct_data_source_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        using System;
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Reports
        {
            private readonly NpgsqlDataSource _direct;

            public Reports([FromKeyedServices("flympg:direct")] NpgsqlDataSource direct)
            {
                _direct = direct ?? throw new ArgumentNullException(nameof(direct));
            }

            void Run()
            {
                using var connection = _direct.OpenConnection();
                using var command = connection.CreateCommand();
                command.Prepare();
            }
        }
        """);

    [Fact]
    public Task Prepare_on_a_data_source_under_another_key_is_reported() => Verifier.DiagnosticsAsync("""
        using Microsoft.Extensions.DependencyInjection;
        using Npgsql;

        class Reports([FromKeyedServices("reporting")] NpgsqlDataSource reporting)
        {
            void Run()
            {
                using var command = reporting.CreateCommand("SELECT 1");
                {|FLYMPG001:command.Prepare()|};
            }
        }
        """);

    [Fact]
    public Task Prepare_on_a_type_of_another_library_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        class Statement
        {
            public void Prepare() { }
        }

        class Caller
        {
            void Run(Statement statement) => statement.Prepare();
        }
        """);

    [Fact]
    public Task Prepare_in_a_comment_or_an_unrelated_string_is_not_reported() => Verifier.NoDiagnosticsAsync("""
        class Notes
        {
            // command.Prepare();
            string Text => "command.Prepare() is off behind PgBouncer";
        }
        """);

    [Fact]
    public Task The_fix_removes_the_Prepare_statement() => Verifier.FixAsync<RemoveStatementCodeFixProvider>("""
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            object? Load()
            {
                using var command = dataSource.CreateCommand("SELECT 1");
                {|FLYMPG001:command.Prepare()|};
                return command.ExecuteScalar();
            }
        }
        """, """
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            object? Load()
            {
                using var command = dataSource.CreateCommand("SELECT 1");
                return command.ExecuteScalar();
            }
        }
        """);

    [Fact]
    public Task The_fix_removes_every_awaited_PrepareAsync_statement() => Verifier.FixAsync<RemoveStatementCodeFixProvider>("""
        using System.Threading;
        using System.Threading.Tasks;
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            async Task<object?> LoadAsync(CancellationToken cancellationToken)
            {
                await using var first = dataSource.CreateCommand("SELECT 1");
                await {|FLYMPG001:first.PrepareAsync(cancellationToken)|}.ConfigureAwait(false);
                await using var second = dataSource.CreateCommand("SELECT 2");
                await {|FLYMPG001:second.PrepareAsync(cancellationToken)|};
                await first.ExecuteScalarAsync(cancellationToken);
                return await second.ExecuteScalarAsync(cancellationToken);
            }
        }
        """, """
        using System.Threading;
        using System.Threading.Tasks;
        using Npgsql;

        class Orders(NpgsqlDataSource dataSource)
        {
            async Task<object?> LoadAsync(CancellationToken cancellationToken)
            {
                await using var first = dataSource.CreateCommand("SELECT 1");
                await using var second = dataSource.CreateCommand("SELECT 2");
                await first.ExecuteScalarAsync(cancellationToken);
                return await second.ExecuteScalarAsync(cancellationToken);
            }
        }
        """);
}
