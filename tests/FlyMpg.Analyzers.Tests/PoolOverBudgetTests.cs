using Microsoft.CodeAnalysis.Testing;
using static FlyMpg.Analyzers.Tests.Infrastructure.ConventionFiles;

namespace FlyMpg.Analyzers.Tests;

/// <summary>
/// FLYMPG044: the pool sizes in fly.toml's [env] (where flympg-add puts them) against the plan of local/pgbouncer-mpg.ini:
/// 2 web Machines x pooled within max_client_conn (200 on Basic), migrate 2 + 1 worker Machine x worker within
/// max_db_connections - reserve_pool_size (40).
/// </summary>
public sealed class PoolOverBudgetTests
{
    private static string FlyTomlWith(string env) =>
        "[deploy]\n  release_command = \"migrate\"\n\n[env]\n  ASPNETCORE_ENVIRONMENT = \"Production\"\n" + env;

    [Theory]
    [InlineData("8")]
    [InlineData("100")]
    public Task A_pool_that_fits_is_not_reported(string size) => VerifyAsync(
        ("fly.toml", FlyTomlWith($"  FlyMpg__Pooled__MaxPoolSize = \"{size}\"\n")));

    [Fact]
    public Task A_pool_two_Machines_cannot_fit_is_reported_at_its_line_with_the_sum() => VerifyAsync(
        [("fly.toml", FlyTomlWith("  {|#0:FlyMpg__Pooled__MaxPoolSize = \"101\"|}\n"))],
        new DiagnosticResult(FlyMpgDiagnostics.PoolOverBudget).WithLocation(0).WithArguments(
            "FlyMpg__Pooled__MaxPoolSize",
            "101",
            "does not fit the plan's client connections: 2 web Machines (as fly launch creates) × 101 = 202, over max_client_conn = 200 in local/pgbouncer-mpg.ini",
            "# flympg:keep FlyMpg__Pooled__MaxPoolSize"));

    [Fact]
    public Task The_job_client_pool_counts_with_the_web_pool() => VerifyAsync(
        ("fly.toml", FlyTomlWith("  {|FLYMPG044:FlyMpg__Pooled__MaxPoolSize = \"96\"|}\n  FlyMpg__Hangfire__JobClientMaxPoolSize = \"5\"\n")));

    [Theory]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("eight")]
    public Task A_size_FlyMpg_refuses_is_reported(string size) => VerifyAsync(
        ("fly.toml", FlyTomlWith($"  {{|FLYMPG044:FlyMpg__Pooled__MaxPoolSize = \"{size}\"|}}\n")));

    [Fact]
    public Task The_service_policy_sets_the_plan_it_is_budgeted_against() => VerifyAsync(
        ("fly.toml", FlyTomlWith("  FlyMpg__Pooled__MaxPoolSize = \"200\"\n")),
        ("local/pgbouncer-mpg.ini", PgBouncerPolicy.Edit("max_client_conn = 200\n", "; flympg:keep max_client_conn Launch plan\nmax_client_conn = 500\n")));

    [Fact]
    public Task A_worker_pool_that_fits_beside_migrate_is_not_reported() => VerifyAsync(
        ("fly.toml", FlyTomlWith("  FlyMpg__Worker__MaxPoolSize = \"38\"\n")));

    [Fact]
    public Task A_worker_pool_over_the_database_connections_is_reported_counting_migrate() => VerifyAsync(
        ("fly.toml", FlyTomlWith("  FlyMpg__Migrate__MaxPoolSize = \"3\"\n  {|FLYMPG044:FlyMpg__Worker__MaxPoolSize = \"38\"|}\n")));

    [Fact]
    public Task A_keep_marker_keeps_a_pool_size() => VerifyAsync(
        ("fly.toml", FlyTomlWith("  # flympg:keep FlyMpg__Pooled__MaxPoolSize one Machine only, min_machines_running = 1\n  FlyMpg__Pooled__MaxPoolSize = \"150\"\n")));
}
