using Inventory.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Inventory.Controllers;

[ApiController]
[Route("items")]
public class ItemsController : ControllerBase
{
    private readonly InventoryContext _context;

    public ItemsController(InventoryContext context)
    {
        _context = context;
    }

    [HttpGet]
    public async Task<IEnumerable<Item>> List() => await _context.Items.OrderBy(i => i.Sku).Take(100).ToListAsync();

    [HttpGet("{id:int}")]
    public async Task<ActionResult<Item>> Get(int id) => await _context.Items.FindAsync(id) is { } item ? item : NotFound();

    [HttpPost]
    public async Task<ActionResult<Item>> Create(Item item)
    {
        _context.Items.Add(item);
        await _context.SaveChangesAsync();
        return CreatedAtAction(nameof(Get), new { id = item.Id }, item);
    }
}
