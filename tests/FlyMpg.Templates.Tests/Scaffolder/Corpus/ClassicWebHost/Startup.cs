using Microsoft.EntityFrameworkCore;
using Npgsql;
using Shipping.Data;

namespace Shipping
{
    public class Startup
    {
        public Startup(IConfiguration configuration)
        {
            Configuration = configuration;
        }

        public IConfiguration Configuration { get; }

        public void ConfigureServices(IServiceCollection services)
        {
            // Ops hands out the database settings one by one (see the deploy wiki).
            var database = Configuration.GetSection("Database");
            var connectionString = new NpgsqlConnectionStringBuilder
            {
                Host = database["Host"],
                Port = database.GetValue("Port", 5432),
                Database = database["Name"],
                Username = database["User"],
                Password = database["Password"],
            }.ConnectionString;

            services.AddDbContext<ShippingContext>(options => options.UseNpgsql(connectionString));
            services.AddControllers();
        }

        public void Configure(IApplicationBuilder app, IWebHostEnvironment env)
        {
            if (env.IsDevelopment())
            {
                app.UseDeveloperExceptionPage();
            }

            app.UseRouting();
            app.UseEndpoints(endpoints =>
            {
                endpoints.MapControllers();
            });
        }
    }
}
