namespace Inventory.Data;

public class DatabaseOptions
{
    public const string Section = "Database";

    public string ConnectionString { get; set; } = "";
}
