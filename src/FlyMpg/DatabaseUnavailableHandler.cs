using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace FlyMpg;

/// <summary>
/// Answers a request that failed because the database or the pooler is unavailable (restart, failover, a full pooler)
/// with 503 and <c>Retry-After</c>, which clients and Fly's proxy retry; any other failure stays a 500. While the
/// database is known to be down (<see cref="DatabaseUnavailableException"/>), <c>Retry-After</c> says when it is probed
/// next; while the breaker is open, it has logged the outage once, and neither its refusals nor the failed probes are
/// logged again per request. Needs <c>app.UseExceptionHandler()</c> and <c>AddProblemDetails()</c>, as in the generated
/// Program.cs.
/// </summary>
internal sealed class DatabaseUnavailableHandler(IProblemDetailsService problemDetails, DatabaseBreaker breaker, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 2;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var kind = DatabaseFailure.Classify(exception);
        if (kind == DatabaseFailureKind.NotAnOutage)
        {
            return false;
        }

        // The exception names the failure (08P01: query_wait_timeout, Failed to connect to ...), never a password:
        // Npgsql puts no connection string in its exceptions.
        FlyMpgMetrics.RecordUnavailableResponse(kind);
        var retryAfter = RetryAfterSeconds;
        if (DatabaseFailure.Find<DatabaseUnavailableException>(exception) is { } refusal)
        {
            logger.LogDebug(exception, "{Method} {Path}: the database is known to be down, answered 503", httpContext.Request.Method, httpContext.Request.Path);
            // Whole seconds, at least 1: the next probe is due within BreakMilliseconds.
            retryAfter = Math.Max(1, (int)Math.Ceiling(refusal.RetryAfter.TotalSeconds));
        }
        else if (breaker.State != BreakerState.Closed)
        {
            logger.LogDebug(exception, "{Method} {Path}: database unavailable ({Kind}) while the breaker is open, answered 503", httpContext.Request.Method, httpContext.Request.Path, kind);
        }
        else
        {
            logger.LogWarning(exception, "{Method} {Path}: database unavailable ({Kind}), answered 503", httpContext.Request.Method, httpContext.Request.Path, kind);
        }

        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable",
                Detail = kind switch
                {
                    DatabaseFailureKind.OutcomeUnknown => "The connection to the database broke while the request ran; it may have been applied. Retry with the same Idempotency-Key.",
                    DatabaseFailureKind.BreakerOpen => "The database is down (a restart or failover); the request was not tried. Retry later.",
                    DatabaseFailureKind.Saturated => "The connection pool (the service's or the pooler's) is full: no connection came free in time and the request did not run. Retry later.",
                    _ => "The database or its connection pooler is unavailable (a restart or failover); the request did not run. Retry later.",
                },
                // The metric's label, for a client (or a dashboard of its own) that tells a full pool from an outage.
                Extensions = { ["reason"] = FlyMpgMetrics.Reason(kind) },
            },
        });
    }
}
