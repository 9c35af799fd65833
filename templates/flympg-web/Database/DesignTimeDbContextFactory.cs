using FlyMpg;

namespace Company.Service1.Database;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without any environment variable set.</summary>
public sealed class DesignTimeDbContextFactory : FlyDesignTimeDbContextFactory<AppDbContext>;
