namespace Shipping.Data
{
    public class Shipment
    {
        public int Id { get; set; }

        public string Carrier { get; set; } = "";

        public string TrackingNumber { get; set; } = "";
    }
}
