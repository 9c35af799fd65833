using Catalog.Api.Data;
using Microsoft.EntityFrameworkCore;

namespace Catalog.Api.Products;

public static class ProductEndpoints
{
    public static RouteGroupBuilder MapProducts(this RouteGroupBuilder group)
    {
        group.MapGet("/", async (CatalogDb db, CancellationToken ct) =>
            await db.Products.AsNoTracking().OrderBy(p => p.Name).Take(100).ToListAsync(ct));

        group.MapGet("/{id:long}", async (long id, CatalogDb db) =>
            await db.Products.FindAsync(id) is { } product ? Results.Ok(product) : Results.NotFound());

        group.MapPost("/", async (ProductInput input, CatalogDb db) =>
        {
            var product = new Product { Name = input.Name, PriceCents = input.PriceCents };
            db.Products.Add(product);
            await db.SaveChangesAsync();
            return Results.Created($"/products/{product.Id}", product);
        });

        return group;
    }

    public sealed record ProductInput(string Name, int PriceCents);
}
