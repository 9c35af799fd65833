using Microsoft.CodeAnalysis.Testing;
using static FlyMpg.Analyzers.Tests.Infrastructure.ConventionFiles;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG043: local/pgbouncer-mpg.ini against MPG's pooling policy in the pack's.</summary>
public sealed class PgBouncerPolicyDriftTests
{
    private const string Policy = "local/pgbouncer-mpg.ini";

    [Fact]
    public Task The_packs_own_policy_is_not_reported() => VerifyAsync((Policy, PgBouncerPolicy));

    [Fact]
    public Task A_changed_value_is_reported_at_its_line_with_the_templates_reason() => VerifyAsync(
        [(Policy, PgBouncerPolicy.Edit("pool_mode = transaction\n", "{|#0:pool_mode = session|}\n"))],
        new DiagnosticResult(FlyMpgDiagnostics.PgBouncerPolicyDrift).WithLocation(0).WithArguments(
            "local/pgbouncer-mpg.ini: pool_mode = session",
            PackVersion,
            "'pool_mode = transaction'",
            "Transaction pooling (MPG's mode once chosen in the dashboard): a server connection is lent to a client for one transaction only",
            "; flympg:keep pool_mode"));

    [Fact]
    public Task A_missing_setting_is_reported_at_the_last_line_and_an_extra_one_at_its_own() => VerifyAsync(
        (Policy, PgBouncerPolicy.Edit("client_idle_timeout = 600\n", string.Empty).Edit("idle_transaction_timeout = 0\n", "idle_transaction_timeout = 0\n{|FLYMPG043:{|FLYMPG043:server_reset_query = DISCARD ALL|}|}\n")));

    [Fact]
    public Task The_last_value_counts_and_case_does_not() => VerifyAsync(
        (Policy, PgBouncerPolicy.Edit("pool_mode = transaction\n", "pool_mode = session\n") + "pool_mode = Transaction\n"));

    [Fact]
    public Task A_keep_marker_keeps_a_bigger_plan() => VerifyAsync(
        (Policy, PgBouncerPolicy.Edit("max_client_conn = 200\n", "; flympg:keep max_client_conn: we are on the Launch plan\nmax_client_conn = 500\n")));
}
