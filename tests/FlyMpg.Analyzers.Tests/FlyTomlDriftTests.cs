using Microsoft.CodeAnalysis.Testing;
using static FlyMpg.Analyzers.Tests.Infrastructure.ConventionFiles;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG040: fly.toml's release_command and health check, against the pack's fly.toml.</summary>
public sealed class FlyTomlDriftTests
{
    private const string ReleaseCommand = "  release_command = \"migrate\"\n";

    [Fact]
    public Task The_packs_own_fly_toml_is_not_reported() => VerifyAsync(("fly.toml", FlyToml));

    [Fact]
    public Task A_dropped_release_command_is_reported_at_its_table_with_the_fix_and_the_marker() => VerifyAsync(
        [("fly.toml", FlyToml.Edit(ReleaseCommand, string.Empty).Edit("[deploy]\n", "{|#0:[deploy]|}\n"))],
        new DiagnosticResult(FlyMpgDiagnostics.FlyTomlDrift).WithLocation(0).WithArguments(
            "fly.toml: [deploy] has no release_command",
            PackVersion,
            "'[deploy] release_command = \"migrate\"'",
            "Fly runs it once per deploy in a temporary Machine, before any Machine gets the new image; 'migrate' applies the migrations over DIRECT_DATABASE_URL, and a failure stops the deploy",
            "# flympg:keep release_command"));

    [Fact]
    public Task Another_release_command_is_reported_at_its_line() => VerifyAsync(
        ("fly.toml", FlyToml.Edit(ReleaseCommand, "  {|FLYMPG040:release_command = \"bin/migrate\"|}\n")));

    [Fact]
    public Task A_fly_toml_without_a_deploy_table_is_reported_at_its_first_line() => VerifyAsync(
        ("fly.toml", "{|FLYMPG040:app = \"orders\"|}\nprimary_region = \"ams\"\n"));

    [Fact]
    public Task A_dotted_key_with_a_literal_string_is_the_same_release_command() => VerifyAsync(
        ("fly.toml", "deploy.release_command = 'migrate' # the same key as [deploy] release_command\n" + FlyToml.Edit("[deploy]\n", "[deploy_notes]\n").Edit(ReleaseCommand, string.Empty)));

    [Fact]
    public Task A_health_check_on_another_path_is_reported_at_its_path() => VerifyAsync(
        ("fly.toml", FlyToml.Edit("    path = \"/healthz\"\n", "    {|FLYMPG040:path = \"/health\"|}\n")));

    [Fact]
    public Task An_http_service_without_checks_is_reported_at_its_table() => VerifyAsync(
        ("fly.toml", "[deploy]\n  release_command = \"migrate\"\n\n{|FLYMPG040:[http_service]|}\n  internal_port = 8080\n"));

    [Fact]
    public Task A_services_section_that_checks_healthz_is_not_reported() => VerifyAsync(
        ("fly.toml", "[deploy]\n  release_command = \"migrate\"\n\n[[services]]\n  internal_port = 8080\n  [[services.http_checks]]\n    path = \"/healthz\"\n"));

    [Fact]
    public Task An_app_without_a_public_service_needs_no_http_check() => VerifyAsync(
        ("fly.toml", "[deploy]\n  release_command = \"migrate\"\n[processes]\n  worker = \"worker\"\n"));

    [Fact]
    public Task A_keep_marker_keeps_the_difference_it_names_and_no_other() => VerifyAsync(
        ("fly.toml", FlyToml
            .Edit(ReleaseCommand, "  # flympg:keep release_command: migrations run from CI\n")
            .Edit("    path = \"/healthz\"\n", "    {|FLYMPG040:path = \"/ping\" # flympg:keep release-command (a typo keeps nothing)|}\n")));
}
