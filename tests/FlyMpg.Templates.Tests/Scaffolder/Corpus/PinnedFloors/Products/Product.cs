namespace Catalog.Api.Products;

public class Product
{
    public long Id { get; set; }

    public string Name { get; set; } = "";

    public int PriceCents { get; set; }
}
