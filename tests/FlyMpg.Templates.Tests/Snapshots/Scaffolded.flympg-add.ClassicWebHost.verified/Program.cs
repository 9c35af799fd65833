using FlyMpg;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Shipping.Data;

namespace Shipping
{
    public class Program
    {
        public static async Task<int> Main(string[] args)
        {
            var host = CreateWebHostBuilder(args).Build();

            return await host.RunFlyAsync(args);
        }

        public static IWebHostBuilder CreateWebHostBuilder(string[] args) =>
            WebHost.CreateDefaultBuilder(args)
                .UseStartup<Startup>();
    }
}
