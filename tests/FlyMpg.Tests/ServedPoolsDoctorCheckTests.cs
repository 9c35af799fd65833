using FlyMpg.Doctor;
using FlyMpg.Telemetry;

namespace FlyMpg.Tests;

/// <summary>
/// <c>doctor</c>'s "pools in use" line, read from a scrape of the service's metrics port: each Npgsql pool's use against its
/// size, and a warning with what to do when requests wait for a connection.
/// </summary>
public class ServedPoolsDoctorCheckTests
{
    // The shape of OpenTelemetry's Prometheus exporter output: TYPE/UNIT comments, scope labels, millisecond timestamps.
    private const string Scrape = """
        # TYPE db_client_connection_count gauge
        # UNIT db_client_connection_count {connection}
        db_client_connection_count{db_client_connection_pool_name="web",db_client_connection_state="idle",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 2 1764680000000
        db_client_connection_count{db_client_connection_pool_name="web",db_client_connection_state="used",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 6 1764680000000
        db_client_connection_count{db_client_connection_pool_name="job-client",db_client_connection_state="used",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 1 1764680000000
        # TYPE db_client_connection_max gauge
        db_client_connection_max{db_client_connection_pool_name="web",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 8 1764680000000
        db_client_connection_max{db_client_connection_pool_name="job-client",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 2 1764680000000
        # TYPE db_client_connection_npgsql_pending_requests gauge
        db_client_connection_npgsql_pending_requests{db_client_connection_pool_name="web",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} {PENDING} 1764680000000
        db_client_connection_npgsql_pending_requests{db_client_connection_pool_name="job-client",otel_scope_name="Npgsql",otel_scope_version="1.0.0"} 0 1764680000000
        # TYPE flympg_retries_total counter
        flympg_retries_total{error_type="08P01",flympg_retry_by="efcore",otel_scope_name="FlyMpg"} 3 1764680000000
        flympg_retries_total{error_type="08P01",flympg_retry_by="read",otel_scope_name="FlyMpg"} 2 1764680000000
        flympg_retries_total{error_type="SocketException",flympg_retry_by="read",otel_scope_name="FlyMpg"} 1 1764680000000
        # TYPE flympg_unavailable_responses_total counter
        flympg_unavailable_responses_total{flympg_reason="never_ran",otel_scope_name="FlyMpg"} 4 1764680000000
        # TYPE flympg_breaker_state gauge
        flympg_breaker_state{db_client_connection_pool_name="web",otel_scope_name="FlyMpg"} {BREAKER} 1764680000000
        # TYPE flympg_breaker_transitions_total counter
        flympg_breaker_transitions_total{db_client_connection_pool_name="web",flympg_breaker_state="open",otel_scope_name="FlyMpg"} 2 1764680000000
        flympg_breaker_transitions_total{db_client_connection_pool_name="web",flympg_breaker_state="half_open",otel_scope_name="FlyMpg"} 5 1764680000000
        flympg_breaker_transitions_total{db_client_connection_pool_name="web",flympg_breaker_state="closed",otel_scope_name="FlyMpg"} 2 1764680000000
        # TYPE http_server_request_duration_seconds histogram
        http_server_request_duration_seconds_bucket{http_route="/todos/{id:int}",le="+Inf"} 12 1764680000000
        # EOF
        """;

    private static ServedPools Parse(int pending = 0, int breaker = 0) => ServedPools.Parse(Scrape
        .Replace("{PENDING}", pending.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace("{BREAKER}", breaker.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

    [Fact]
    public void Each_pool_is_read_by_name_with_FlyMpg_s_counters_and_the_breaker()
    {
        var pools = Parse();

        Assert.Equal([new ServedPool("web", 6, 8, 0), new ServedPool("job-client", 1, 2, 0)], pools.Pools);
        Assert.Equal((6, 5, 4), (pools.Retries, pools.RetriesOf08P01, pools.UnavailableResponses));
        Assert.Equal([new ServedBreaker("web", 0, 2)], pools.Breakers);
    }

    [Fact]
    public void Pools_with_no_request_waiting_and_a_closed_breaker_pass()
    {
        var finding = ServedPoolsDoctorCheck.Judge(Parse());

        Assert.Equal(Verdict.Pass, finding.Verdict);
        Assert.Equal(
            "web 6 used of 8, 0 waiting; job-client 1 used of 2, 0 waiting; since the process started: 6 retried (5 of them PgBouncer's 08P01), 4 answered 503; breaker web closed, opened 2 times",
            finding.Text);
    }

    [Theory]
    [InlineData(1, "breaker web open, opened 2 times")]
    [InlineData(2, "breaker web half-open (one request probing), opened 2 times")]
    public void An_open_breaker_warns_that_the_database_is_down(int state, string text)
    {
        var finding = ServedPoolsDoctorCheck.Judge(Parse(breaker: state));

        Assert.Equal(Verdict.Warn, finding.Verdict);
        Assert.EndsWith(text, finding.Text, StringComparison.Ordinal);
        Assert.Contains("the database is down or restarting", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_with_the_breaker_turned_off_says_so()
    {
        var scrape = string.Join('\n', Scrape.Split('\n').Where(line => !line.Contains("flympg_breaker", StringComparison.Ordinal))).Replace("{PENDING}", "0", StringComparison.Ordinal);

        Assert.EndsWith("; breaker off", ServedPoolsDoctorCheck.Judge(ServedPools.Parse(scrape)).Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Requests_waiting_for_a_connection_warn_with_the_pool_size_setting_and_the_budget()
    {
        var finding = ServedPoolsDoctorCheck.Judge(Parse(pending: 13));

        Assert.Equal(Verdict.Warn, finding.Verdict);
        Assert.Contains("web 6 used of 8, 13 waiting", finding.Text, StringComparison.Ordinal);
        Assert.Contains("FlyMpg__Pooled__MaxPoolSize", finding.Fix, StringComparison.Ordinal);
        Assert.Contains("client limit", finding.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void A_scrape_without_Npgsql_pools_warns_that_the_data_sources_are_not_FlyMpg_s()
    {
        var finding = ServedPoolsDoctorCheck.Judge(ServedPools.Parse("# TYPE dotnet_gc_collections_total counter\ndotnet_gc_collections_total{gc_heap_generation=\"gen0\"} 3\n"));

        Assert.Equal(Verdict.Warn, finding.Verdict);
        Assert.Contains("AddFlyPostgres", finding.Fix, StringComparison.Ordinal);
    }
}
