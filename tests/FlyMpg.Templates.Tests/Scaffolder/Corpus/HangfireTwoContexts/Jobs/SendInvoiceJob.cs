using Billing.Api.Billing;
using Microsoft.EntityFrameworkCore;

namespace Billing.Api.Jobs;

public class SendInvoiceJob(BillingContext db, ILogger<SendInvoiceJob> logger)
{
    public async Task SendAsync(int invoiceId)
    {
        // Sending twice must not happen: only an unsent invoice is marked sent.
        var sent = await db.Invoices
            .Where(i => i.Id == invoiceId && i.SentAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.SentAt, DateTimeOffset.UtcNow));
        logger.LogInformation("Invoice {InvoiceId}: {Outcome}", invoiceId, sent == 1 ? "sent" : "already sent");
    }
}
