// The start-up floor: how long ASP.NET Core, MVC and EF Core over SQLite take to their first 200 on
// this machine, with none of the service's own code. FLOOR picks how much of the stack starts:
//   minimal    Kestrel and two minimal-API endpoints
//   mvc        MVC controllers (the design card's shape), nothing stored
//   ef         MVC, and each report saved through a pooled EF Core context on a SQLite WAL file whose
//              table EF creates before the host starts (the simplest way to write it)
//   ef-beside  ef, started as the service starts its store: the table created over a plain
//              connection on a pool thread while the pipeline is built (the listener waits for it),
//              then EF's first context and query on a pool thread beside the listener's start
// The file is floor.db in the working directory, which bench/starts.sh makes empty for each start.
// bench/start-floor.sh publishes it and compares each level's start with the service's.
using Microsoft.AspNetCore.Mvc;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using StartFloor;

var floor = Environment.GetEnvironmentVariable("FLOOR") ?? "ef";
if (floor is not ("minimal" or "mvc" or "ef" or "ef-beside"))
{
    Console.Error.WriteLine($"FLOOR must be minimal, mvc, ef or ef-beside, not '{floor}'.");
    return 2;
}

var builder = WebApplication.CreateBuilder(FloorHost.Options(args));
builder.WebHost.UseUrls(FloorHost.Url);
if (floor != "minimal")
{
    builder.Services.AddControllers();
}

var stored = floor.StartsWith("ef", StringComparison.Ordinal);
if (stored)
{
    builder.Services.AddDbContextPool<FloorDb>(options => options.UseSqlite(FloorDb.ConnectionString));
}

if (floor == "ef-beside")
{
    // Begun before the container is built, as the service begins its migration; a hosted service,
    // which starts before the listener, waits for it and then begins EF's first use.
    var schema = Task.Run(FloorDb.CreateSchema);
    builder.Services.AddHostedService(services => new SchemaGate(schema, services));
}

var app = builder.Build();
if (floor == "ef")
{
    using var scope = app.Services.CreateScope();
    var db = scope.ServiceProvider.GetRequiredService<FloorDb>();
    db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL");
    db.Database.EnsureCreated();
}

if (floor == "minimal")
{
    app.MapGet("/health", () => Results.Ok(Health.Healthy));
    app.MapPost("/webhook/status", (Report report) => Results.Ok(Answer.Reported));
}
else
{
    app.MapControllers();
}

app.Run();
return 0;

namespace StartFloor
{
    public sealed class Entry
    {
        public long Id { get; set; }
        public required string AgentId { get; set; }
        public required string Topic { get; set; }
        public required string Status { get; set; }
        public DateTimeOffset? Timestamp { get; set; }
        public string? Message { get; set; }
    }

    public sealed class FloorDb(DbContextOptions<FloorDb> options) : DbContext(options)
    {
        public const string ConnectionString = "Data Source=floor.db";

        public DbSet<Entry> Entries => Set<Entry>();

        /// <summary>The table EF's <c>EnsureCreated</c> makes for <see cref="Entry"/>, over a plain connection.</summary>
        public static void CreateSchema()
        {
            using var connection = new SqliteConnection(ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                PRAGMA journal_mode=WAL;
                CREATE TABLE IF NOT EXISTS "Entries" (
                    "Id" INTEGER NOT NULL CONSTRAINT "PK_Entries" PRIMARY KEY AUTOINCREMENT,
                    "AgentId" TEXT NOT NULL,
                    "Topic" TEXT NOT NULL,
                    "Status" TEXT NOT NULL,
                    "Timestamp" TEXT NULL,
                    "Message" TEXT NULL);
                """;
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Holds the host's start until the table exists, then begins EF's first use beside it.</summary>
    public sealed class SchemaGate(Task schema, IServiceProvider services) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await schema.WaitAsync(cancellationToken).ConfigureAwait(false);
            _ = Task.Run(() =>
            {
                using var scope = services.CreateScope();
                _ = scope.ServiceProvider.GetRequiredService<FloorDb>().Entries.AsNoTracking().Any();
            }, CancellationToken.None);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [ApiController]
    public sealed class FloorController : ControllerBase
    {
        [HttpGet("/health")]
        public IActionResult Health() => Ok(StartFloor.Health.Healthy);

        [HttpPost("/webhook/status")]
        public async Task<IActionResult> Report(Report report, CancellationToken cancellationToken)
        {
            if (HttpContext.RequestServices.GetService<FloorDb>() is { } db)
            {
                db.Entries.Add(new Entry
                {
                    AgentId = report.AgentId!,
                    Topic = report.SessionTopic!,
                    Status = report.Status!,
                    Timestamp = report.Timestamp,
                    Message = report.Message,
                });
                await db.SaveChangesAsync(cancellationToken);
            }

            return Ok(Answer.Reported);
        }
    }
}
