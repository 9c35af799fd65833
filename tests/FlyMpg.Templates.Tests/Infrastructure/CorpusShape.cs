namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>
/// One existing service of the scaffolder's corpus (<c>Scaffolder/Corpus/&lt;Folder&gt;</c>), written the way real services
/// are, and what the scaffolder is expected to do to it.
/// </summary>
/// <param name="Folder">The corpus folder, also the shape's name in test output.</param>
/// <param name="Shapes">What it stands for (the list), for test output and the report.</param>
/// <param name="ChangedFiles">The user's files the scaffolder may change ('/'-separated); every other file of theirs stays byte for byte.</param>
/// <param name="ExpectedCode">Text each changed C# file must contain afterwards (file, text).</param>
/// <param name="ResourcePath">A collection the service serves: POST creates one, GET lists them.</param>
/// <param name="NewResource">The JSON body of a valid POST to <paramref name="ResourcePath"/>.</param>
/// <param name="MigrationsTables">Tables <c>migrate</c> creates, as <c>to_regclass</c> reads them (<c>"Orders"</c> quoted, <c>hangfire.job</c>).</param>
/// <param name="AddArguments">What the README tells this service to pass to <c>dotnet new flympg-add</c>.</param>
/// <param name="Pinned">Packages the service pins (id, version), which the scaffolded service must still run on.</param>
/// <param name="Seeded">A table the service seeds and how many rows it seeds: <c>migrate</c> must do it, after the migrations.</param>
/// <param name="RawNpgsqlReads">The resource is read with raw Npgsql (Dapper), which no retry covers: after an idle spell it is
/// FlyMpg's idle lifetime below the pooler's idle timeout, as on MPG, that keeps it from meeting a closed connection.</param>
/// <param name="DevelopmentEndpoints">Endpoints of the service's own (Aspire ServiceDefaults' <c>/health</c>, <c>/alive</c>) that must still answer 200 in Development.</param>
public sealed record CorpusShape(
    string Folder,
    string Shapes,
    IReadOnlyList<string> ChangedFiles,
    IReadOnlyList<(string File, string Text)> ExpectedCode,
    string ResourcePath,
    object NewResource,
    IReadOnlyList<string> MigrationsTables,
    IReadOnlyList<string> AddArguments,
    IReadOnlyList<(string Id, string Version)>? Pinned = null,
    (string Table, int Rows)? Seeded = null,
    bool RawNpgsqlReads = false,
    IReadOnlyList<string>? DevelopmentEndpoints = null)
{
    /// <summary>What the scaffolder adds to every service (with the default options).</summary>
    public static readonly IReadOnlyList<string> AddedFiles =
    [
        ".dockerignore",
        "Dockerfile",
        "MPG.md",
        "compose.yaml",
        "fly.toml",
        "local/pgbouncer-image.ini",
        "local/pgbouncer-mpg.ini",
        "local/pgbouncer.ini",
        "local/userlist.txt",
    ];

    public static readonly CorpusShape MinimalApi = new(
        "MinimalApi",
        "minimal API, top-level statements, AddDbContext, GetConnectionString, Database.Migrate() at startup",
        ["Orders.Api.csproj", "Program.cs"],
        [
            ("Program.cs", "builder.AddFlyPostgres<OrdersDbContext>();"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
            ("Program.cs", "app.MapFlyHealthChecks();"),
        ],
        "/orders",
        new { customer = "Ada", total = 12.5m },
        ["\"Orders\""],
        []);

    public static readonly CorpusShape ControllersStartup = new(
        "ControllersStartup",
        "controllers, a Startup class with a static Main, AddDbContextPool, connection string from an options class",
        ["Inventory.Service.csproj", "Program.cs", "Startup.cs"],
        [
            ("Startup.cs", "services.AddFlyPostgres<InventoryContext>(Configuration);"),
            ("Program.cs", "public static async Task<int> Main(string[] args)"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
        ],
        "/items",
        new { sku = "SKU-1", quantity = 3 },
        ["\"Items\""],
        []);

    public static readonly CorpusShape HangfireTwoContexts = new(
        "HangfireTwoContexts",
        "minimal API, connection string from DATABASE_URL, a second DbContext, Hangfire with UseNpgsqlConnection and AddHangfireServer",
        ["Billing.Api.csproj", "Program.cs"],
        [
            ("Program.cs", "builder.AddFlyPostgres<BillingContext>();"),
            ("Program.cs", "builder.AddFlyDbContext<AuditContext>();"),
            ("Program.cs", "builder.AddFlyHangfire();"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
        ],
        "/invoices",
        new { customer = "Ada", amount = 30m },
        ["\"Invoices\"", "\"AuditEntries\"", "hangfire.job"],
        ["--worker", "hangfire"]);

    public static readonly CorpusShape PinnedFloors = new(
        "PinnedFloors",
        "minimal API with its endpoints in a route group of their own, AddDbContextPool, EF Core, Npgsql and the EF Core provider pinned at 10.0.0 (the oldest 10.x patch)",
        ["Catalog.Api.csproj", "Program.cs"],
        [
            ("Program.cs", "builder.AddFlyPostgres<CatalogDb>();"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
        ],
        "/products",
        new { name = "Kettle", priceCents = 2599 },
        ["\"Products\""],
        [],
        [("Microsoft.EntityFrameworkCore", "10.0.0"), ("Npgsql", "10.0.0"), ("Npgsql.EntityFrameworkCore.PostgreSQL", "10.0.0")]);

    public static readonly CorpusShape ClassicWebHost = new(
        "ClassicWebHost",
        "classic WebHost.CreateDefaultBuilder(args).UseStartup<Startup>() in a static Main that migrates before host.Run(), controllers, a connection string built in code from several settings (NpgsqlConnectionStringBuilder)",
        ["Shipping.Service.csproj", "Program.cs", "Startup.cs"],
        [
            ("Program.cs", "public static async Task<int> Main(string[] args)"),
            ("Program.cs", "return await host.RunFlyAsync(args);"),
            ("Startup.cs", "services.AddFlyPostgres<ShippingContext>(Configuration);"),
            ("Startup.cs", "endpoints.MapFlyHealthChecks();"),
        ],
        "/shipments",
        new { carrier = "DHL", trackingNumber = "JD0146000033" },
        ["\"Shipments\""],
        []);

    public static readonly CorpusShape AspireServiceDefaults = new(
        "AspireServiceDefaults",
        "Aspire client integration (AddNpgsqlDbContext with a connection name), Aspire ServiceDefaults (OpenTelemetry, /health and /alive, resilience), migrate-and-seed in an extension method of another file",
        ["Bookings.Api.csproj", "Program.cs"],
        [
            ("Program.cs", "builder.AddFlyPostgres<BookingsDbContext>();"),
            ("Program.cs", "app.OnFlyMigrate(() => app.MigrateDatabaseAndSeed());"),
            ("Program.cs", "app.MapFlyHealthChecks();"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
        ],
        "/rooms",
        new { name = "Dolomite", capacity = 6 },
        ["\"Rooms\""],
        [],
        Seeded: ("\"Rooms\"", 3),
        DevelopmentEndpoints: ["/health", "/alive"]);

    public static readonly CorpusShape OnConfiguringDapper = new(
        "OnConfiguringDapper",
        "minimal API, a DbContext that configures itself in OnConfiguring from an injected IConfiguration and a bare AddDbContext<T>(), Dapper reads over a raw NpgsqlConnection registered as IDbConnection, a required connection-string local",
        ["Todo.Api.csproj", "Data/TodoContext.cs", "Program.cs"],
        [
            ("Program.cs", "builder.AddFlyPostgres<TodoContext>();"),
            ("Program.cs", "builder.Services.AddScoped<IDbConnection>(provider => provider.GetRequiredService<NpgsqlDataSource>().CreateConnection());"),
            ("Program.cs", "return await app.RunFlyAsync(args);"),
            ("Data/TodoContext.cs", "public TodoContext(DbContextOptions<TodoContext> options, IConfiguration configuration) : base(options)"),
            ("Data/TodoContext.cs", "if (!optionsBuilder.IsConfigured)"),
        ],
        "/todos",
        new { title = "Water the plants" },
        ["\"Todos\""],
        [],
        RawNpgsqlReads: true);

    public static readonly IReadOnlyList<CorpusShape> All = [MinimalApi, ControllersStartup, HangfireTwoContexts, PinnedFloors, ClassicWebHost, AspireServiceDefaults, OnConfiguringDapper];

    public bool UsesHangfire => AddArguments.Contains("hangfire");

    public string SourceDirectory => Path.Combine(TestPaths.TestProjectRoot, "Scaffolder", "Corpus", Folder);

    public static CorpusShape Named(string folder) => All.Single(s => s.Folder == folder);

    public static TheoryData<string> AllAsTheoryData() => AsTheoryData(All);

    public static TheoryData<string> WithHangfireAsTheoryData() => AsTheoryData(All.Where(s => s.UsesHangfire));

    public static TheoryData<string> WithDevelopmentEndpointsAsTheoryData() => AsTheoryData(All.Where(s => s.DevelopmentEndpoints is { Count: > 0 }));

    public static TheoryData<string> PinningAsTheoryData() => AsTheoryData(All.Where(s => s.Pinned is { Count: > 0 }));

    private static TheoryData<string> AsTheoryData(IEnumerable<CorpusShape> shapes)
    {
        var data = new TheoryData<string>();
        foreach (var shape in shapes)
        {
            data.Add(shape.Folder);
        }

        return data;
    }

    public override string ToString() => $"{Folder} ({Shapes})";
}
