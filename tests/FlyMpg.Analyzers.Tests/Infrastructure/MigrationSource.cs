namespace FlyMpg.Analyzers.Tests.Infrastructure;

/// <summary>
/// A migration as <c>dotnet ef migrations add</c> writes one (the file without its Designer half), with the given
/// <c>Up</c> body, for the migration safety specs. <c>Down</c> undoes nothing dangerous-looking on purpose: it is not read.
/// </summary>
internal static class MigrationSource
{
    public static string Up(string body, string attributes = "", string down = "") => $$"""
        using System;
        using Microsoft.EntityFrameworkCore.Migrations;
        using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

        #nullable disable

        namespace Orders.Database.Migrations
        {
            {{attributes}}
            public partial class Change : Migration
            {
                protected override void Up(MigrationBuilder migrationBuilder)
                {
        {{Indent(body)}}
                }

                protected override void Down(MigrationBuilder migrationBuilder)
                {
        {{Indent(down)}}
                }
            }
        }
        """;

    // The body as it sits in Up: twelve spaces in, line by line.
    private static string Indent(string body) =>
        string.Join("\n", body.Split('\n').Select(line => line.Length == 0 ? line : "            " + line));
}
