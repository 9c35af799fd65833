using Orders.Database;
using FlyMpg;
using FlyMpg.Hangfire;
using FlyMpg.Telemetry;

// One image, several entrypoints (README.md, "How it runs"):
//   dotnet Orders.dll           the HTTP API, through PgBouncer (DATABASE_URL)
//   dotnet Orders.dll migrate   applies migrations over DIRECT_DATABASE_URL: fly.toml's release_command
//   dotnet Orders.dll doctor    checks DATABASE_URL and DIRECT_DATABASE_URL in this environment, read-only
//   dotnet Orders.dll worker    runs background jobs over DIRECT_DATABASE_URL: fly.toml's worker process
// Configuration (appsettings.json) is read from the app's own folder, whatever the working directory:
// `fly ssh console -C` starts commands in /, not in the image's WORKDIR.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });

// Add services to the container.
// AppDbContext through PgBouncer (DATABASE_URL) in the web process, straight to Postgres (DIRECT_DATABASE_URL)
// in migrate and the worker; pool sizes and timeouts are in appsettings.json's "FlyMpg" section.
builder.AddFlyPostgres<AppDbContext>();
// Jobs are enqueued through PgBouncer and run by the worker process.
builder.AddFlyHangfire();
// Metrics for fly.toml's [metrics] on port 9091 (pool usage, retries, 503s, latency: README.md, "Metrics"),
// traces and logs over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT is set.
builder.AddFlyTelemetry();
builder.Services.AddProblemDetails();

var app = builder.Build();

// Configure the HTTP request pipeline.
app.UseExceptionHandler();
app.UseStatusCodePages();
// /healthz for Fly's check (no database), /readyz for one round trip through PgBouncer.
app.MapFlyHealthChecks();

return await app.RunFlyAsync(args);
