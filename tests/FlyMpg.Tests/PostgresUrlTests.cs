using Npgsql;

namespace FlyMpg.Tests;

/// <summary>
/// FlyMpg's URL parser:
/// Fly sets postgres:// URLs, which Npgsql cannot read; bad values must fail with a message that names
/// the variable and the problem and never contains the password.
/// </summary>
public class PostgresUrlTests
{
    private const string Secret = "Sup3r-S3cret-Pw";

    [Theory]
    [InlineData("postgresql://fly-user:pw@pgbouncer.abc123.flympg.net/fly-db", "pgbouncer.abc123.flympg.net", 5432, "fly-user", "pw", "fly-db")]
    [InlineData("postgres://fly-user:pw@direct.abc123.flympg.net:5433/fly-db", "direct.abc123.flympg.net", 5433, "fly-user", "pw", "fly-db")]
    [InlineData("postgresql://u:p%40ss%2Fw%3Ard@host/db", "host", 5432, "u", "p@ss/w:rd", "db")]
    [InlineData("postgresql://u:p@ss@host/db", "host", 5432, "u", "p@ss", "db")]
    [InlineData("postgresql://u:p/ss:w@host:5433/db", "host", 5433, "u", "p/ss:w", "db")]
    [InlineData("postgresql://us%65r:pw@[fdaa:0:1::3]:5432/my%20db", "fdaa:0:1::3", 5432, "user", "pw", "my db")]
    [InlineData("POSTGRESQL://u:pw@127.0.0.1:6432/app", "127.0.0.1", 6432, "u", "pw", "app")]
    public void Fly_style_urls_become_npgsql_settings(string url, string host, int port, string user, string password, string database)
    {
        var builder = PostgresUrl.Parse("DATABASE_URL", url);

        Assert.Equal((host, port, user, password, database), (builder.Host, builder.Port, builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void Query_parameters_map_to_npgsql_keywords()
    {
        var builder = PostgresUrl.Parse("DATABASE_URL", "postgresql://u:pw@h/db?sslmode=verify-full&application_name=orders%3Aweb&connect_timeout=7");

        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("orders:web", builder.ApplicationName);
        Assert.Equal(7, builder.Timeout);
    }

    [Fact]
    public void Npgsql_key_value_strings_are_accepted_as_they_are()
    {
        var builder = PostgresUrl.Parse("DIRECT_DATABASE_URL", "Host=db.internal;Port=5433;Username=app;Password=pw;Database=orders");

        Assert.Equal(("db.internal", 5433, "app", "orders"), (builder.Host, builder.Port, builder.Username, builder.Database));
    }

    [Theory]
    [InlineData(null, "is not set")]
    [InlineData("   ", "is not set")]
    [InlineData("mysql://u:" + Secret + "@host/db", "has the scheme 'mysql://'")]
    [InlineData("postgresql://u:" + Secret + "@/db", "has no host")]
    [InlineData("postgresql://u:" + Secret + "@host:abc/db", "has the port 'abc'")]
    [InlineData("postgresql://u:" + Secret + "@host:70000/db", "has the port '70000'")]
    [InlineData("postgresql://u:" + Secret + "%zz@host/db", "malformed percent-encoding in its password")]
    [InlineData("postgresql://u:" + Secret + "@host/db?sslmode=sometimes", "has sslmode 'sometimes'")]
    [InlineData("postgresql://u:" + Secret + "@host/db?pool_mode=session", "unsupported query parameter 'pool_mode'")]
    [InlineData("postgresql://u:" + Secret + "/x@host:99999/db", "has the port '99999'")]
    [InlineData("postgresql://u:" + Secret + "@[fdaa::3/db", "without its closing ']'")]
    [InlineData("Host=h;Password=" + Secret + ";Bogus Keyword=1", "is neither a postgresql:// URL nor a valid Npgsql connection string")]
    [InlineData("Username=u;Password=" + Secret, "has no Host")]
    public void Bad_values_name_the_variable_and_the_problem_but_never_the_password(string? value, string problem)
    {
        var error = Assert.Throws<DatabaseConfigurationException>(() => PostgresUrl.Parse("DATABASE_URL", value));

        Assert.StartsWith("DATABASE_URL ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain(Secret, error.Message);
        Assert.DoesNotContain(Secret, error.ToString());
        Assert.Equal("DATABASE_URL", error.Setting);
    }
}
