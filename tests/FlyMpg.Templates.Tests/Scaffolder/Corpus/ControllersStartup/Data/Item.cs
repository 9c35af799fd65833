namespace Inventory.Data;

public class Item
{
    public int Id { get; set; }

    public string Sku { get; set; } = "";

    public int Quantity { get; set; }
}
