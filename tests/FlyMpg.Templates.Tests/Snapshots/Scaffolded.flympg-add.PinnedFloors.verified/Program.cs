using Catalog.Api.Data;
using Catalog.Api.Products;
using FlyMpg;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddFlyPostgres<CatalogDb>();

var app = builder.Build();

app.MapGroup("/products").MapProducts();

app.MapFlyHealthChecks();
return await app.RunFlyAsync(args);
