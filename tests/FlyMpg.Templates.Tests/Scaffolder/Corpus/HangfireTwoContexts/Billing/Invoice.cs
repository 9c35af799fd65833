namespace Billing.Api.Billing;

public class Invoice
{
    public int Id { get; set; }

    public string Customer { get; set; } = "";

    public decimal Amount { get; set; }

    public DateTimeOffset? SentAt { get; set; }
}
