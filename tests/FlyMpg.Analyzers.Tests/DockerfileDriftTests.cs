using static FlyMpg.Analyzers.Tests.Infrastructure.ConventionFiles;

namespace FlyMpg.Analyzers.Tests;

/// <summary>FLYMPG041: the final image's USER and ENTRYPOINT, against the pack's Dockerfile.</summary>
public sealed class DockerfileDriftTests
{
    private const string User = "USER $APP_UID\n";
    private const string Entrypoint = "ENTRYPOINT [\"dotnet\", \"Company.Service1.dll\"]\n";
    private const string FinalFrom = "FROM mcr.microsoft.com/dotnet/aspnet:10.0\n";

    [Fact]
    public Task The_packs_own_Dockerfile_is_not_reported() => VerifyAsync(("Dockerfile", Dockerfile));

    [Theory]
    [InlineData("USER root")]
    [InlineData("USER 0:0")]
    [InlineData("user ROOT")]
    public Task A_root_user_is_reported_at_its_line(string user) => VerifyAsync(
        ("Dockerfile", Dockerfile.Edit(User, "{|FLYMPG041:" + user + "|}\n")));

    [Fact]
    public Task A_final_image_without_USER_is_reported_at_its_FROM_even_when_the_build_stage_sets_one() => VerifyAsync(
        ("Dockerfile", Dockerfile.Edit(User, string.Empty).Edit("WORKDIR /src\n", "WORKDIR /src\nUSER $APP_UID\n").Mark(FinalFrom, "FLYMPG041")));

    [Fact]
    public Task A_USER_inherited_from_the_stage_the_final_one_is_built_from_is_not_reported() => VerifyAsync(("Dockerfile", """
        FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS base
        USER $APP_UID
        WORKDIR /app

        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        WORKDIR /src
        COPY . .
        RUN dotnet publish -c Release -o /app/publish

        FROM base AS final
        COPY --from=build /app/publish .
        ENTRYPOINT ["dotnet", "Orders.dll"]
        """));

    [Fact]
    public Task A_shell_form_ENTRYPOINT_is_reported_at_its_line() => VerifyAsync(
        ("Dockerfile", Dockerfile.Edit(Entrypoint, "{|FLYMPG041:ENTRYPOINT dotnet Company.Service1.dll|}\n")));

    [Fact]
    public Task A_CMD_without_ENTRYPOINT_is_reported_at_the_final_FROM() => VerifyAsync(
        ("Dockerfile", Dockerfile.Edit(Entrypoint, "CMD [\"dotnet\", \"Company.Service1.dll\"]\n").Mark(FinalFrom, "FLYMPG041")));

    [Fact]
    public Task An_exec_form_ENTRYPOINT_of_the_apphost_spread_over_lines_is_not_reported() => VerifyAsync(
        ("Dockerfile", Dockerfile.Edit(Entrypoint, "ENTRYPOINT \\\n  [\"./Company.Service1\"]\n")));

    [Fact]
    public Task Keep_markers_keep_the_user_and_the_entrypoint() => VerifyAsync(
        ("Dockerfile", Dockerfile
            .Edit(User, "# flympg:keep USER the sidecar needs root, reviewed 2026-11\nUSER root\n")
            .Edit(Entrypoint, "# flympg:keep ENTRYPOINT\nCMD [\"dotnet\", \"Company.Service1.dll\"]\n")));
}
