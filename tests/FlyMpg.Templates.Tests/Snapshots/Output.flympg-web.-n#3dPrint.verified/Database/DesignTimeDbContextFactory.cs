using FlyMpg;

namespace _3dPrint.Database;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without any environment variable set.</summary>
public sealed class DesignTimeDbContextFactory : FlyDesignTimeDbContextFactory<AppDbContext>;
