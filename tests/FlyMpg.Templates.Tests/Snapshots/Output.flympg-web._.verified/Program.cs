using Orders;
using Orders.Commands;
using Orders.Database;

// One image, several entrypoints (README.md, "How it runs"):
//   dotnet Orders.dll           the HTTP API, through PgBouncer (DATABASE_URL)
//   dotnet Orders.dll migrate   applies migrations over DIRECT_DATABASE_URL: fly.toml's release_command
//   dotnet Orders.dll doctor    checks DATABASE_URL and DIRECT_DATABASE_URL in this environment, read-only
try
{
    return args switch
    {
        ["migrate", .. var rest] => await MigrateCommand.RunAsync(rest),
        ["doctor", .. var rest] => await DoctorCommand.RunAsync(rest),
        _ => await WebApi.RunAsync(args),
    };
}
catch (DatabaseConfigurationException e)
{
    // The message names the variable and what is wrong, without its value; a stack trace would add nothing.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
