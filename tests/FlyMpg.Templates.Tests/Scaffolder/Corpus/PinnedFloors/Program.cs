using Catalog.Api.Data;
using Catalog.Api.Products;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddDbContextPool<CatalogDb>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("Catalog")));

var app = builder.Build();

using (var scope = app.Services.CreateScope())
{
    scope.ServiceProvider.GetRequiredService<CatalogDb>().Database.Migrate();
}

app.MapGroup("/products").MapProducts();

app.Run();
