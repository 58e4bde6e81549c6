using Hotline.Routing.Engine;

namespace Hotline.Routing.Tests.Engine;

public sealed class RoutingOutcomesTests
{
    [Theory]
    [InlineData("""{"label":"城乡建设","top":[{"label":"x"}],"ensemble":{"modelVersion":"inner"},"modelVersion":"v2"}""", "v2")]
    [InlineData("""{"modelVersion":"v1","automatic":true}""", "v1")]
    [InlineData("""{"modelVersion":5}""", null)]
    [InlineData("""{"ensemble":{"modelVersion":"inner"}}""", null)]
    [InlineData("""["modelVersion","v1"]""", null)]
    [InlineData(null, null)]
    public void Read_FindsATopLevelStringProperty_AndNothingNested(string? data, string? expected) =>
        Assert.Equal(expected, RoutingOutcomes.Read(data, "modelVersion"));
}
