using Billing.Api;
using Billing.Api.Audit;
using Billing.Api.Billing;
using Billing.Api.Jobs;
using FlyMpg;
using FlyMpg.Hangfire;
using Hangfire;
using Hangfire.PostgreSql;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddFlyPostgres<BillingContext>();
builder.AddFlyDbContext<AuditContext>();

builder.AddFlyHangfire();
builder.Services.AddScoped<SendInvoiceJob>();

var app = builder.Build();

app.MapGet("/invoices", async (BillingContext db) => await db.Invoices.OrderByDescending(i => i.Id).Take(50).ToListAsync());

app.MapGet("/invoices/{id:int}", async (int id, BillingContext db) =>
    await db.Invoices.FindAsync(id) is { } invoice ? Results.Ok(invoice) : Results.NotFound());

app.MapPost("/invoices", async (NewInvoice request, BillingContext db, AuditContext audit, IBackgroundJobClient jobs) =>
{
    var invoice = new Invoice { Customer = request.Customer, Amount = request.Amount };
    db.Invoices.Add(invoice);
    await db.SaveChangesAsync();

    audit.Entries.Add(new AuditEntry { Action = "invoice.created", Subject = invoice.Id.ToString(), At = DateTimeOffset.UtcNow });
    await audit.SaveChangesAsync();

    jobs.Enqueue<SendInvoiceJob>(job => job.SendAsync(invoice.Id));
    return Results.Created($"/invoices/{invoice.Id}", invoice);
});

app.MapFlyHealthChecks();
return await app.RunFlyAsync(args);

record NewInvoice(string Customer, decimal Amount);
