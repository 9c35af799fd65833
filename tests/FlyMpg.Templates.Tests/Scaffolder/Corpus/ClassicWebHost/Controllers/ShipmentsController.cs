using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Shipping.Data;

namespace Shipping.Controllers
{
    [ApiController]
    [Route("shipments")]
    public class ShipmentsController : ControllerBase
    {
        private readonly ShippingContext _context;

        public ShipmentsController(ShippingContext context)
        {
            _context = context;
        }

        [HttpGet]
        public async Task<IEnumerable<Shipment>> List() =>
            await _context.Shipments.OrderByDescending(s => s.Id).Take(50).ToListAsync();

        [HttpGet("{id:int}")]
        public async Task<ActionResult<Shipment>> Get(int id) =>
            await _context.Shipments.FindAsync(id) is { } shipment ? shipment : NotFound();

        [HttpPost]
        public async Task<ActionResult<Shipment>> Create(ShipmentRequest request)
        {
            var shipment = new Shipment { Carrier = request.Carrier, TrackingNumber = request.TrackingNumber };
            _context.Shipments.Add(shipment);
            await _context.SaveChangesAsync();
            return CreatedAtAction(nameof(Get), new { id = shipment.Id }, shipment);
        }
    }

    public class ShipmentRequest
    {
        public string Carrier { get; set; } = "";

        public string TrackingNumber { get; set; } = "";
    }
}
