using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlyMpg.Templates.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace FlyMpg.Templates.Tests.EndToEnd;

/// <summary>
/// <c>--worker hangfire</c> on MPG: the web process (<c>DATABASE_URL</c> through PgBouncer) only enqueues,
/// <c>dotnet App.dll worker</c> runs the jobs over <c>DIRECT_DATABASE_URL</c> with a pool of its own.
/// Jobs run at least once: a worker killed or stopped in the middle of a job loses no job, and the
/// idempotent sample job (<c>CompleteTodoJob</c>) applies its effect once. Each spec migrates a fresh
/// database and runs real processes against the local MPG stand-in; effects are counted by a trigger
/// the spec adds to the <c>todos</c> table.
/// </summary>
[Collection("mpg")]
public sealed class HangfireWorkerTests(MpgStandIn mpg, ITestOutputHelper output)
{
    // The template's defaults (--worker-pool-size, JobsRegistration.cs): a pool of 6 direct connections and
    // 6 - 2 Hangfire workers (the other two connections are Hangfire's heartbeat, scheduler and expiration).
    private const int WorkerPoolSize = 6;
    private const int WorkerCount = WorkerPoolSize - 2;
    private const int ShutdownTimeoutSeconds = 20;
    // The web process's two pools at PgBouncer: --pool-size (EF Core and raw reads) and the job client's
    // (FlyMpg.Hangfire's job client pool), which Hangfire's synchronous client must not share with async callers.
    private const int PooledPoolSize = 8;
    private const int JobClientPoolSize = 2;
    private static readonly (string, string) WorkerPool = ("db_client_connection_pool_name", "worker");

    [Fact]
    public async Task A_job_enqueued_by_the_web_process_through_PgBouncer_runs_in_the_worker_process_over_the_direct_connection()
    {
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_direct");
        var worker = await jobs.StartWorkerAsync("spec-worker-1", new());

        var todo = await jobs.CreateTodoAsync("enqueued through PgBouncer");
        var watch = Stopwatch.StartNew();
        var jobId = await jobs.EnqueueCompleteAsync(todo);
        await Poll.UntilAsync($"todo {todo} to be done through the API", () => jobs.IsDoneAsync(todo), done => done, TimeSpan.FromSeconds(30), _ => jobs.Context());
        var doneAfter = watch.Elapsed;

        // Hangfire records Succeeded just after the job's effect is committed.
        await Poll.UntilAsync($"job {jobId} to be Succeeded", () => jobs.StateOfAsync(jobId), s => s == "Succeeded", TimeSpan.FromSeconds(10), s => $"{s}{Environment.NewLine}{jobs.Context()}");
        var history = await jobs.HistoryAsync(jobId);
        var processedBy = history.Where(s => s.Name == "Processing").Select(s => s.ServerId).ToList();
        Assert.True(
            processedBy.Count == 1 && worker.Owns(processedBy[0]),
            $"job {jobId} was processed by [{string.Join(", ", processedBy)}], not by the worker process {worker.Process.ProcessId} alone.{Environment.NewLine}{jobs.Context()}");

        // Workers poll the queue every 5 s (JobsRegistration.cs): a job starts within one poll, not minutes later.
        var pickedUpAfter = history.First(s => s.Name == "Processing").At - history.First(s => s.Name == "Enqueued").At;
        var ranFor = history.First(s => s.Name == "Succeeded").At - history.First(s => s.Name == "Processing").At;
        Assert.True(
            pickedUpAfter < TimeSpan.FromSeconds(15),
            $"The worker took {pickedUpAfter.TotalSeconds:0.0} s to pick up job {jobId}, more than its 5 s queue poll allows.{Environment.NewLine}{jobs.Context()}");

        // The web process runs no Hangfire server: the only server is the worker's.
        var servers = await jobs.ServerIdsAsync();
        Assert.True(
            servers.Count == 1 && worker.Owns(servers[0]) && !servers[0].Contains($":{jobs.Web.Process.ProcessId}:", StringComparison.Ordinal),
            $"Hangfire servers: [{string.Join(", ", servers)}]; worker pid {worker.Process.ProcessId}, web pid {jobs.Web.Process.ProcessId}.{Environment.NewLine}{jobs.Context()}");

        // The web process reached Postgres through PgBouncer; the worker, given both URLs as on Fly, only directly.
        var poolerClients = (await mpg.ShowClientsAsync()).Select(c => c.ApplicationName).ToList();
        var workerSessions = await jobs.SessionsAsync("worker");
        Assert.True(
            poolerClients.Contains(jobs.ApplicationName("web")) && !poolerClients.Contains(jobs.ApplicationName("worker")) && workerSessions > 0,
            $"PgBouncer clients: [{string.Join(", ", poolerClients.Distinct())}]; direct sessions of {jobs.ApplicationName("worker")}: {workerSessions}.{Environment.NewLine}{jobs.Context()}");
        Assert.Equal(1, (await jobs.EffectsAsync()).GetValueOrDefault(todo));

        jobs.AssertNoPasswordPrinted();
        output.WriteLine(
            $"job {jobId} enqueued by web pid {jobs.Web.Process.ProcessId} through PgBouncer, processed by {processedBy[0]}; "
            + $"picked up {pickedUpAfter.TotalSeconds:0.00} s after the enqueue, ran {ranFor.TotalSeconds:0.0} s (Jobs:SampleWorkSeconds = 2), "
            + $"todo done through the API {doneAfter.TotalSeconds:0.0} s after the enqueue; "
            + $"worker sessions on Postgres: {workerSessions}; {jobs.Timeline}");
    }

    [Fact]
    public async Task A_worker_killed_mid_job_loses_no_job_and_a_restarted_worker_applies_each_effect_once()
    {
        const int jobCount = WorkerCount + 2; // some running at the kill, some still queued
        const int invisibilitySeconds = 10;
        var settings = new Dictionary<string, string>
        {
            ["Jobs__SampleWorkSeconds"] = "3",
            ["FlyMpg__Hangfire__InvisibilityTimeoutSeconds"] = invisibilitySeconds.ToString(CultureInfo.InvariantCulture),
        };
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_kill");
        var first = await jobs.StartWorkerAsync("spec-worker-1", settings);

        var enqueued = new Dictionary<long, int>();
        for (var i = 0; i < jobCount; i++)
        {
            var todo = await jobs.CreateTodoAsync($"survives kill -9 #{i}");
            enqueued[await jobs.EnqueueCompleteAsync(todo)] = todo;
        }

        var running = await Poll.UntilAsync(
            $"{WorkerCount} jobs to be Processing",
            async () => (await jobs.StatesAsync()).Where(s => s.Value == "Processing").Select(s => s.Key).ToList(),
            ids => ids.Count == WorkerCount,
            TimeSpan.FromSeconds(20),
            ids => $"{ids.Count} Processing{Environment.NewLine}{jobs.Context()}");
        Assert.True((await jobs.EffectsAsync()).Count == 0, $"A job finished before the kill: the kill was not mid-job.{Environment.NewLine}{jobs.Context()}");

        Signals.KillHard(first.Process.ProcessId);
        var killed = Stopwatch.StartNew();
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
        {
            await first.Process.WaitForExitAsync(exit.Token);
        }

        // Nobody hands the killed worker's jobs back: they stay fetched until the (sliding) invisibility
        // timeout passes without the dead worker extending it; the restarted worker picks them up at its next poll.
        await Poll.UntilAsync(
            "the killed worker's jobs to be visible again",
            () => jobs.InvisibleAsync(running, invisibilitySeconds),
            invisible => invisible == 0,
            TimeSpan.FromSeconds(invisibilitySeconds + 10),
            invisible => $"{invisible} still invisible{Environment.NewLine}{jobs.Context()}",
            TimeSpan.FromMilliseconds(250));
        var visibleAgainAfter = killed.Elapsed;

        var second = await jobs.StartWorkerAsync("spec-worker-2", settings);
        var states = await Poll.UntilAsync(
            $"all {jobCount} jobs to succeed after the restart",
            jobs.StatesAsync,
            s => s.Count(j => j.Value == "Succeeded") == jobCount,
            TimeSpan.FromSeconds(30),
            s => $"{string.Join(", ", s.Select(j => $"{j.Key}={j.Value}"))}{Environment.NewLine}{jobs.Context()}");
        var recoveredAfter = killed.Elapsed;

        Assert.Equal(jobCount, states.Count);
        var effects = await jobs.EffectsAsync();
        Assert.True(
            enqueued.Values.All(todo => effects.GetValueOrDefault(todo) == 1),
            $"Effects per todo (exactly one each expected): {string.Join(", ", enqueued.Values.Select(t => $"{t}={effects.GetValueOrDefault(t)}"))}{Environment.NewLine}{jobs.Context()}");
        foreach (var todo in enqueued.Values)
        {
            Assert.True(await jobs.IsDoneAsync(todo), $"todo {todo} is not done through the API.{Environment.NewLine}{jobs.Context()}");
        }

        // The jobs the killed worker was running were run again, to success, by its successor.
        foreach (var jobId in running)
        {
            var history = await jobs.HistoryAsync(jobId);
            var processedBy = history.Where(s => s.Name == "Processing").Select(s => s.ServerId).ToList();
            Assert.True(
                processedBy.Any(first.Owns) && processedBy.Any(second.Owns) && history.Count(s => s.Name == "Succeeded") == 1,
                $"job {jobId}: {string.Join(" -> ", history.Select(s => $"{s.Name} {s.ServerId}"))}; killed worker pid {first.Process.ProcessId}, restarted pid {second.Process.ProcessId}");
        }

        jobs.AssertNoPasswordPrinted();
        output.WriteLine(
            $"kill -9 with {running.Count} of {jobCount} jobs Processing (Jobs:SampleWorkSeconds = 3, InvisibilityTimeout = {invisibilitySeconds} s, sliding); "
            + $"visible again {visibleAgainAfter.TotalSeconds:0.0} s after the kill; all {jobCount} Succeeded {recoveredAfter.TotalSeconds:0.0} s after the kill, "
            + $"each todo updated once; {jobs.Timeline}");
    }

    [Fact]
    public async Task A_Postgres_restart_while_the_worker_runs_jobs_completes_every_job_with_its_effect_once()
    {
        const int jobCount = WorkerCount + 2;
        var settings = new Dictionary<string, string>
        {
            ["Jobs__SampleWorkSeconds"] = "3",
            ["FlyMpg__Hangfire__InvisibilityTimeoutSeconds"] = "10",
        };
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_pg_restart");
        await jobs.StartWorkerAsync("spec-worker-1", settings);
        var enqueued = new List<int>();
        for (var i = 0; i < jobCount; i++)
        {
            var todo = await jobs.CreateTodoAsync($"survives a Postgres restart #{i}");
            await jobs.EnqueueCompleteAsync(todo);
            enqueued.Add(todo);
        }

        await Poll.UntilAsync(
            $"{WorkerCount} jobs to be Processing",
            async () => (await jobs.StatesAsync()).Count(s => s.Value == "Processing"),
            processing => processing == WorkerCount,
            TimeSpan.FromSeconds(20),
            processing => $"{processing} Processing{Environment.NewLine}{jobs.Context()}");
        await mpg.FaultAsync("postgres-stop-fast");
        jobs.Mark("Postgres stopped mid-job");
        await Task.Delay(TimeSpan.FromSeconds(1));
        await mpg.FaultAsync("postgres-start");
        await mpg.WaitUntilServedAsync(mpg.Pooler, jobs.Database);
        jobs.Direct.Clear(); // this spec's own connections were terminated too
        jobs.Superuser.Clear();
        jobs.Mark("Postgres started");

        await Poll.UntilAsync(
            $"all {jobCount} jobs to succeed after the restart",
            jobs.StatesAsync,
            s => s.Count(j => j.Value == "Succeeded") == jobCount,
            TimeSpan.FromSeconds(60),
            s => $"{string.Join(", ", s.Select(j => $"{j.Key}={j.Value}"))}{Environment.NewLine}{jobs.Context()}",
            TimeSpan.FromMilliseconds(250));
        jobs.Mark("all Succeeded");

        var effects = await jobs.EffectsAsync();
        Assert.True(
            enqueued.All(todo => effects.GetValueOrDefault(todo) == 1),
            $"Effects per todo (exactly one each expected): {string.Join(", ", enqueued.Select(t => $"{t}={effects.GetValueOrDefault(t)}"))}{Environment.NewLine}{jobs.Context()}");
        jobs.AssertNoPasswordPrinted();
        output.WriteLine($"Postgres fast restart with {WorkerCount} of {jobCount} jobs Processing: every job Succeeded, each todo updated once; {jobs.Timeline}");
    }

    [Fact]
    public async Task A_busy_worker_never_holds_more_PostgreSQL_connections_than_its_pool()
    {
        const int jobCount = 12;
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_pool");
        var worker = await jobs.StartWorkerAsync("spec-worker-1", new() { ["Jobs__SampleWorkSeconds"] = "1" });

        for (var i = 0; i < jobCount; i++)
        {
            await jobs.EnqueueCompleteAsync(await jobs.CreateTodoAsync($"busy worker #{i}"));
        }

        // pg_stat_activity by application name, sampled until every job has succeeded; the worker's metrics beside it.
        var samples = new List<int>();
        var maxUsedScraped = 0d;
        var atPeak = "";
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var done = (await jobs.StatesAsync()).Count(s => s.Value == "Succeeded") == jobCount;
            var sessions = await jobs.SessionsAsync("worker");
            if (samples.Count == 0 || sessions > samples.Max())
            {
                atPeak = await jobs.SessionsByStatementAsync("worker");
            }

            samples.Add(sessions);
            maxUsedScraped = Math.Max(maxUsedScraped, (await worker.ScrapeAsync()).Series("db_client_connection_count", WorkerPool, ("db_client_connection_state", "used")).Sum(p => p.Value));
            if (done)
            {
                break;
            }

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"{jobCount} jobs did not all succeed within 60 s.{Environment.NewLine}{jobs.Context()}");
            await Task.Delay(50);
        }

        var peak = samples.Max();
        var workerLog = mpg.Mask(worker.Process.StdOut + worker.Process.StdErr);
        var histogram = string.Join(", ", samples.GroupBy(s => s).OrderBy(g => g.Key).Select(g => $"{g.Key} x{g.Count()}"));

        output.WriteLine(
            $"{jobCount} jobs of 1 s on {WorkerCount} workers in {watch.Elapsed.TotalSeconds:0.0} s; sessions of {jobs.ApplicationName("worker")} "
            + $"in {samples.Count} samples: peak {peak} (pool {WorkerPoolSize}), at the peak: {atPeak}; sessions x samples: {histogram}; {jobs.Timeline}");
        Assert.True(peak <= WorkerPoolSize, $"The worker held {peak} PostgreSQL sessions ({atPeak}); its pool is {WorkerPoolSize}. Sessions x samples: {histogram}{Environment.NewLine}{jobs.Context()}");
        Assert.True(peak >= 2, $"Saw at most {peak} session(s) of the worker: the samples missed the busy period. Samples: {histogram}");
        Assert.DoesNotContain("pool has been exhausted", workerLog, StringComparison.OrdinalIgnoreCase);

        // Each process's metrics show its own pools: the worker's direct one, within its size, and no pool through
        // PgBouncer; the web process's job client beside its request pool.
        var workerScrape = await worker.ScrapeAsync();
        var webScrape = await jobs.Web.ScrapeAsync();
        output.WriteLine($"worker scrape:{Environment.NewLine}{workerScrape.Excerpt("db_client_connection_max", "db_client_connection_count")}");
        output.WriteLine($"web scrape:{Environment.NewLine}{webScrape.Excerpt("db_client_connection_max")}");
        Assert.Equal(WorkerPoolSize, workerScrape.Value("db_client_connection_max", WorkerPool));
        Assert.InRange(maxUsedScraped, 0, WorkerPoolSize); // a job holds a connection only for its short UPDATE: a scrape may see none
        Assert.Empty(workerScrape.Series("db_client_connection_max", ("db_client_connection_pool_name", "web")));
        Assert.Equal(JobClientPoolSize, webScrape.Value("db_client_connection_max", ("db_client_connection_pool_name", "job-client")));
        Assert.Equal(PooledPoolSize, webScrape.Value("db_client_connection_max", ("db_client_connection_pool_name", "web")));
        jobs.AssertNoPasswordPrinted();
    }

    [Fact]
    public async Task Under_64_concurrent_clients_the_web_process_enqueues_reads_and_writes_within_its_two_pools_at_PgBouncer()
    {
        const int clients = 64, requests = 1500;
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_web_pool");
        var todos = new List<int>();
        for (var i = 0; i < 20; i++)
        {
            todos.Add(await jobs.CreateTodoAsync($"web pool #{i}"));
        }

        // Hangfire's client (enqueue), EF Core (POST /todos) and raw Npgsql (GET /todos/{id}) at once.
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var counts = new int[3];
        var issued = 0;
        using var stopWatching = new CancellationTokenSource();
        var watching = mpg.WatchMaxClientsAsync(client => client.ApplicationName == jobs.ApplicationName("web"), stopWatching.Token);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(client);
            while (Interlocked.Increment(ref issued) <= requests)
            {
                var kind = random.Next(3);
                Interlocked.Increment(ref counts[kind]);
                var todo = todos[random.Next(todos.Count)];
                using var response = kind switch
                {
                    0 => await jobs.Web.Http.PostAsync($"/todos/{todo}/complete", null),
                    1 => await jobs.Web.Http.PostAsJsonAsync("/todos", new { title = $"client {client}" }),
                    _ => await jobs.Web.Http.GetAsync($"/todos/{todo}"),
                };
                if ((int)response.StatusCode is not (202 or 201 or 200))
                {
                    failures.Enqueue($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode}");
                }
            }
        })));
        await stopWatching.CancelAsync();
        var maxClients = await watching;

        output.WriteLine($"{requests} requests from {clients} clients ({counts[0]} enqueues, {counts[1]} inserts, {counts[2]} reads): "
            + $"{failures.Count} failed, at most {maxClients} PgBouncer clients named {jobs.ApplicationName("web")} (pools {PooledPoolSize} + {JobClientPoolSize})");
        Assert.True(failures.IsEmpty, $"{failures.Count} of {requests} requests failed, e.g. {string.Join(" | ", failures.Take(3))}{Environment.NewLine}{jobs.Context()}");
        Assert.InRange(maxClients, 1, PooledPoolSize + JobClientPoolSize);
        jobs.AssertNoPasswordPrinted();
    }

    [Fact]
    public async Task SIGTERM_during_a_job_stops_the_worker_within_its_shutdown_timeout_and_the_job_is_then_finished_or_run_again()
    {
        var settings = new Dictionary<string, string>
        {
            ["Jobs__SampleWorkSeconds"] = "4",
            ["FlyMpg__Hangfire__InvisibilityTimeoutSeconds"] = "10",
        };
        await using var jobs = await JobsHarness.StartAsync(mpg, "spec_jobs_sigterm");
        var first = await jobs.StartWorkerAsync("spec-worker-1", settings);

        var todo = await jobs.CreateTodoAsync("survives SIGTERM");
        var jobId = await jobs.EnqueueCompleteAsync(todo);
        await Poll.UntilAsync($"job {jobId} to be Processing", () => jobs.StateOfAsync(jobId), s => s == "Processing", TimeSpan.FromSeconds(20), s => $"{s}{Environment.NewLine}{jobs.Context()}");

        var stopping = Stopwatch.StartNew();
        Signals.Terminate(first.Process.ProcessId);
        ProcessResult stopped;
        using (var exit = new CancellationTokenSource(TimeSpan.FromSeconds(ShutdownTimeoutSeconds + 10)))
        {
            stopped = await first.Process.WaitForExitAsync(exit.Token);
        }

        var stoppedIn = stopping.Elapsed;
        var stateAfterStop = await jobs.StateOfAsync(jobId);
        var handedBack = await jobs.IsHandedBackAsync(jobId);
        var effectsAfterStop = (await jobs.EffectsAsync()).GetValueOrDefault(todo);
        Assert.True(stoppedIn < TimeSpan.FromSeconds(ShutdownTimeoutSeconds + 5), $"The worker took {stoppedIn.TotalSeconds:0.0} s to stop on SIGTERM.{Environment.NewLine}{jobs.Context()}");
        Assert.True(stopped.ExitCode == 0, $"The worker exited with {stopped.ExitCode} on SIGTERM.{Environment.NewLine}{jobs.Context()}");

        // Finished before the exit, or handed back to the queue for the next worker at once (not left to the invisibility timeout).
        Assert.True(
            stateAfterStop == "Succeeded" || handedBack,
            $"After SIGTERM job {jobId} is {stateAfterStop} and still fetched by the stopped worker.{Environment.NewLine}{jobs.Context()}");

        var second = await jobs.StartWorkerAsync("spec-worker-2", settings);
        await Poll.UntilAsync($"job {jobId} to succeed", () => jobs.StateOfAsync(jobId), s => s == "Succeeded", TimeSpan.FromSeconds(40), s => $"{s}{Environment.NewLine}{jobs.Context()}");

        var history = await jobs.HistoryAsync(jobId);
        var trail = string.Join(" -> ", history.Select(s => $"{s.Name} {s.ServerId}"));
        Assert.True(history.Count(s => s.Name == "Succeeded") == 1, $"job {jobId}: {trail}");
        Assert.True((await jobs.EffectsAsync()).GetValueOrDefault(todo) == 1, $"todo {todo} was not updated exactly once: {trail}{Environment.NewLine}{jobs.Context()}");
        Assert.True(await jobs.IsDoneAsync(todo), $"todo {todo} is not done through the API: {trail}");

        jobs.AssertNoPasswordPrinted();
        output.WriteLine(
            $"SIGTERM mid-job: worker pid {first.Process.ProcessId} exited {stopped.ExitCode} after {stoppedIn.TotalSeconds:0.0} s "
            + $"(shutdown timeout {ShutdownTimeoutSeconds} s); job then {stateAfterStop}{(handedBack ? ", handed back to the queue" : "")}, effects {effectsAfterStop}; "
            + $"worker pid {second.Process.ProcessId} finished it; trail: {trail}; {jobs.Timeline}");
    }

    // ---- harness ---------------------------------------------------------------------------------

    /// <summary>
    /// A fresh database migrated by <c>migrate</c> (EF migrations and Hangfire's schema), an effect-counting
    /// trigger on <c>todos</c>, the web process through the stand-in's PgBouncer, and the workers a spec starts.
    /// Disposing it stops every process it started.
    /// </summary>
    private sealed class JobsHarness : IAsyncDisposable
    {
        private readonly MpgStandIn _mpg;
        private readonly List<Worker> _workers = [];
        private readonly Stopwatch _clock;
        private readonly List<string> _timeline = [];

        private JobsHarness(MpgStandIn mpg, GeneratedApp app, FreshDatabase database, string flyAppName, NpgsqlDataSource direct, NpgsqlDataSource superuser, Stopwatch clock)
        {
            _mpg = mpg;
            App = app;
            Database = database;
            FlyAppName = flyAppName;
            Direct = direct;
            Superuser = superuser;
            _clock = clock;
        }

        public GeneratedApp App { get; }

        public FreshDatabase Database { get; }

        public string FlyAppName { get; }

        public NpgsqlDataSource Direct { get; }

        public NpgsqlDataSource Superuser { get; }

        public RunningService Web { get; private set; } = null!;

        public TimeSpan Elapsed => _clock.Elapsed;

        /// <summary>Where the spec's time went: each step with the time since the harness started.</summary>
        public string Timeline => $"timeline: {string.Join(", ", _timeline)}, end {Elapsed.TotalSeconds:0.0} s";

        public void Mark(string step) => _timeline.Add($"{step} {Elapsed.TotalSeconds:0.0} s");

        /// <summary>As the service names its connections (pg_stat_activity, SHOW CLIENTS): <c>FLY_APP_NAME:role</c>.</summary>
        public string ApplicationName(string role) => $"{FlyAppName}:{role}";

        public static async Task<JobsHarness> StartAsync(MpgStandIn mpg, string name)
        {
            var clock = Stopwatch.StartNew();
            var app = await GeneratedApp.GetAsync("--worker", "hangfire");
            var database = await mpg.CreateFreshDatabaseAsync(name);
            var harness = new JobsHarness(mpg, app, database, name.Replace('_', '-'), mpg.CreateDirectDataSource(database.Name), mpg.CreateSuperuserDataSource(database.Name), clock);
            harness.Mark("fresh database");
            try
            {
                // As fly.toml's release_command runs it (both secrets set, migrating over the direct one), while
                // the web process starts: its readiness needs no table, and it takes no job before the spec asks.
                var migrate = app.Command("migrate")
                    .WithEnvironment(harness.Environment(new()))
                    .Masking(mpg.Password)
                    .RunAsync();
                var web = app.StartWebAsync(harness.Environment(new()));
                try
                {
                    await Task.WhenAll(migrate, web);
                }
                finally
                {
                    if (web.IsCompletedSuccessfully)
                    {
                        harness.Web = web.Result;
                    }
                }

                migrate.Result.EnsureSuccess();

                harness.Mark("migrated, web ready");
                await harness.CountEffectsAsync();
                return harness;
            }
            catch
            {
                await harness.DisposeAsync();
                throw;
            }
        }

        /// <summary>Starts <c>dotnet App.dll worker</c> and waits until /healthz answers and its Hangfire server is registered.</summary>
        public async Task<Worker> StartWorkerAsync(string machineId, Dictionary<string, string> settings)
        {
            var port = GeneratedApp.FreeTcpPort();
            var metricsPort = GeneratedApp.FreeTcpPort();
            var process = App.Command("worker", "--urls", $"http://127.0.0.1:{port}")
                .WithEnvironment("FlyMpg__Metrics__Port", metricsPort.ToString(CultureInfo.InvariantCulture))
                .WithEnvironment(Environment(settings))
                .WithEnvironment("FLY_MACHINE_ID", machineId)
                .Masking(_mpg.Password)
                .WithTimeout(TimeSpan.FromMinutes(3))
                .Start();
            var worker = new Worker(machineId, process,
                new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) },
                new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}"), Timeout = TimeSpan.FromSeconds(5) });
            _workers.Add(worker);

            await Poll.UntilAsync(
                $"worker {machineId} (pid {process.ProcessId}) to answer /healthz and register its Hangfire server",
                async () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"The worker exited before it was ready.{System.Environment.NewLine}{Context()}");
                    }

                    return await worker.IsHealthyAsync() && (await ServerIdsAsync()).Any(worker.Owns);
                },
                ready => ready,
                TimeSpan.FromSeconds(60),
                _ => Context(),
                TimeSpan.FromMilliseconds(200));
            Mark($"{machineId} ready");
            return worker;
        }

        public async Task<int> CreateTodoAsync(string title)
        {
            using var response = await Web.Http.PostAsJsonAsync("/todos", new { title });
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST /todos: {(int)response.StatusCode}{System.Environment.NewLine}{Context()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
        }

        /// <summary><c>POST /todos/{id}/complete</c> on the web process: 202 with the Hangfire job id.</summary>
        public async Task<long> EnqueueCompleteAsync(int todo)
        {
            using var response = await Web.Http.PostAsync($"/todos/{todo}/complete", null);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /todos/{todo}/complete: {(int)response.StatusCode} {body}{System.Environment.NewLine}{Context()}");
            return long.Parse(JsonDocument.Parse(body).RootElement.GetProperty("jobId").GetString()!, CultureInfo.InvariantCulture);
        }

        public async Task<bool> IsDoneAsync(int todo)
        {
            using var response = await Web.Http.GetAsync($"/todos/{todo}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /todos/{todo}: {(int)response.StatusCode}{System.Environment.NewLine}{Context()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("done").GetBoolean();
        }

        /// <summary>Every job's current state (<c>hangfire.job.statename</c>) by job id.</summary>
        public async Task<Dictionary<long, string>> StatesAsync()
        {
            var states = new Dictionary<long, string>();
            await using var command = Direct.CreateCommand("SELECT id, coalesce(statename, '') FROM hangfire.job");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                states[reader.GetInt64(0)] = reader.GetString(1);
            }

            return states;
        }

        public async Task<string> StateOfAsync(long jobId) => (await StatesAsync()).GetValueOrDefault(jobId, "(no such job)");

        /// <summary>A job's state history, oldest first, with the Hangfire server id of each Processing state.</summary>
        public async Task<List<(string Name, string ServerId, DateTime At)>> HistoryAsync(long jobId)
        {
            var history = new List<(string, string, DateTime)>();
            await using var command = Direct.CreateCommand("SELECT name, coalesce(data::text, '{}'), createdat FROM hangfire.state WHERE jobid = $1 ORDER BY id");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = jobId });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                using var data = JsonDocument.Parse(reader.GetString(1));
                var serverId = data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty("ServerId", out var id) ? id.GetString() ?? "" : "";
                history.Add((reader.GetString(0), serverId, reader.GetDateTime(2)));
            }

            return history;
        }

        /// <summary>The registered Hangfire servers (<c>name:pid:guid</c>).</summary>
        public async Task<List<string>> ServerIdsAsync()
        {
            var ids = new List<string>();
            await using var command = Direct.CreateCommand("SELECT id FROM hangfire.server ORDER BY id");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetString(0));
            }

            return ids;
        }

        /// <summary>How many of <paramref name="jobIds"/> are still fetched (<c>hangfire.jobqueue.fetchedat</c> set) within the invisibility timeout.</summary>
        public async Task<int> InvisibleAsync(IReadOnlyCollection<long> jobIds, int invisibilitySeconds)
        {
            await using var command = Direct.CreateCommand(
                "SELECT count(*)::int FROM hangfire.jobqueue WHERE jobid = ANY($1) AND fetchedat IS NOT NULL AND fetchedat > now() - make_interval(secs => $2)");
            command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. jobIds] });
            command.Parameters.Add(new NpgsqlParameter<double> { TypedValue = invisibilitySeconds });
            return (int)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Whether the job's queue entry was handed back (<c>fetchedat</c> cleared) for any worker to take at once.</summary>
        public async Task<bool> IsHandedBackAsync(long jobId)
        {
            await using var command = Direct.CreateCommand("SELECT count(*)::int FROM hangfire.jobqueue WHERE jobid = $1 AND fetchedat IS NULL");
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = jobId });
            return (int)(await command.ExecuteScalarAsync())! == 1;
        }

        /// <summary>Sessions on Postgres itself (pg_stat_activity) named <c>FLY_APP_NAME:role</c>.</summary>
        public async Task<int> SessionsAsync(string role)
        {
            await using var command = Superuser.CreateCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = $1");
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApplicationName(role) });
            return Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        /// <summary>The sessions of <c>FLY_APP_NAME:role</c> by their current or last statement, e.g. <c>4 x LISTEN new_job, 6 x other</c>.</summary>
        public async Task<string> SessionsByStatementAsync(string role)
        {
            await using var command = Superuser.CreateCommand(
                """
                SELECT CASE WHEN query LIKE 'LISTEN %' THEN query ELSE 'other' END AS statement, count(*)::int
                FROM pg_stat_activity WHERE application_name = $1 GROUP BY 1 ORDER BY 1
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = ApplicationName(role) });
            var parts = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                parts.Add($"{reader.GetInt32(1)} x {reader.GetString(0)}");
            }

            return string.Join(", ", parts);
        }

        /// <summary>How many times each todo went from not done to done (the trigger's count).</summary>
        public async Task<Dictionary<int, int>> EffectsAsync()
        {
            var effects = new Dictionary<int, int>();
            await using var command = Direct.CreateCommand("SELECT todo_id, count(*)::int FROM spec_todo_effects GROUP BY todo_id");
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                effects[reader.GetInt32(0)] = reader.GetInt32(1);
            }

            return effects;
        }

        /// <summary>The processes' output so far, passwords masked, for failure messages.</summary>
        public string Context()
        {
            var parts = new List<string> { $"{Database}, FLY_APP_NAME={FlyAppName}" };
            if (Web is not null)
            {
                parts.Add($"----- web (pid {Web.Process.ProcessId}) -----{System.Environment.NewLine}{Tail(Web.Output)}");
            }

            parts.AddRange(_workers.Select(w =>
                $"----- worker {w.MachineId} (pid {w.Process.ProcessId}{(w.Process.HasExited ? ", exited" : "")}) -----{System.Environment.NewLine}{Tail(w.Process.StdOut + w.Process.StdErr)}"));
            return _mpg.Mask(string.Join(System.Environment.NewLine, parts));
        }

        /// <summary>No output of these processes may hold the database password.</summary>
        public void AssertNoPasswordPrinted()
        {
            var outputs = _workers.Select(w => (Name: $"worker {w.MachineId}", Text: w.Process.StdOut + w.Process.StdErr)).ToList();
            if (Web is not null)
            {
                outputs.Add(("web", Web.Output));
            }

            var leaks = outputs.Where(o => o.Text.Contains(_mpg.Password, StringComparison.Ordinal)).Select(o => o.Name).ToList();
            Assert.True(leaks.Count == 0, $"The database password appears in the output of: {string.Join(", ", leaks)}");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var worker in _workers)
            {
                await worker.DisposeAsync();
            }

            if (Web is not null)
            {
                await Web.DisposeAsync();
            }

            await Direct.DisposeAsync();
            await Superuser.DisposeAsync();
        }

        private Dictionary<string, string> Environment(Dictionary<string, string> settings) => new(settings)
        {
            ["DATABASE_URL"] = Database.PooledUrl,
            ["DIRECT_DATABASE_URL"] = Database.DirectUrl,
            ["FLY_APP_NAME"] = FlyAppName,
        };

        private async Task CountEffectsAsync()
        {
            await using var command = Direct.CreateCommand(
                """
                CREATE TABLE spec_todo_effects (todo_id int NOT NULL, at timestamptz NOT NULL DEFAULT clock_timestamp());
                CREATE FUNCTION spec_count_effect() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO spec_todo_effects (todo_id) VALUES (NEW.id);
                    RETURN NEW;
                END $$;
                CREATE TRIGGER spec_count_effect AFTER UPDATE OF done ON todos
                    FOR EACH ROW WHEN (NOT OLD.done AND NEW.done) EXECUTE FUNCTION spec_count_effect();
                """);
            await command.ExecuteNonQueryAsync();
        }

        private static string Tail(string text) => text.Length <= 6000 ? text.TrimEnd() : "[...]" + text[^6000..].TrimEnd();
    }

    /// <summary>One <c>dotnet App.dll worker</c> process.</summary>
    private sealed class Worker(string machineId, RunningProcess process, HttpClient http, HttpClient metrics) : IAsyncDisposable
    {
        public string MachineId { get; } = machineId;

        public RunningProcess Process { get; } = process;

        /// <summary>Whether a Hangfire server id (<c>servername:pid:guid</c>) or a state's ServerId is this process's.</summary>
        public bool Owns(string serverId) =>
            serverId.StartsWith(MachineId + ":", StringComparison.OrdinalIgnoreCase)
            && serverId.Contains($":{Process.ProcessId}:", StringComparison.Ordinal);

        public async Task<bool> IsHealthyAsync()
        {
            try
            {
                using var response = await http.GetAsync("/healthz");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return false;
            }
        }

        /// <summary>Scrapes the worker's metrics port, as Fly's scraper does every Machine of the app.</summary>
        public async Task<PrometheusScrape> ScrapeAsync()
        {
            using var response = await metrics.GetAsync("/metrics");
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"GET /metrics on worker {MachineId}'s metrics port: {(int)response.StatusCode} {body}");
            return PrometheusScrape.Parse(body);
        }

        public async ValueTask DisposeAsync()
        {
            http.Dispose();
            metrics.Dispose();
            await Process.DisposeAsync();
        }
    }
}
