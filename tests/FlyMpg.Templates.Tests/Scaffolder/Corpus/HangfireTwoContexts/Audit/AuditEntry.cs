namespace Billing.Api.Audit;

public class AuditEntry
{
    public long Id { get; set; }

    public string Action { get; set; } = "";

    public string Subject { get; set; } = "";

    public DateTimeOffset At { get; set; }
}
