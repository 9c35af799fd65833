using Microsoft.EntityFrameworkCore;

namespace Billing.Api.Billing;

public class BillingContext(DbContextOptions<BillingContext> options) : DbContext(options)
{
    public DbSet<Invoice> Invoices => Set<Invoice>();
}
