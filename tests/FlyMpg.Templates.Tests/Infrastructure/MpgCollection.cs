namespace FlyMpg.Templates.Tests.Infrastructure;

/// <summary>Tests that need the local MPG stand-in join this collection: <c>[Collection("mpg")]</c>.</summary>
[CollectionDefinition("mpg")]
public class MpgCollection : ICollectionFixture<MpgStandIn>
{
}
