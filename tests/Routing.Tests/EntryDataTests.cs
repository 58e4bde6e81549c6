using Hotline.Routing.Tickets;

namespace Hotline.Routing.Tests;

public sealed class EntryDataTests
{
    [Theory]
    [InlineData("""{"label":"城乡建设","top":[{"label":"x"}],"ensemble":{"modelVersion":"inner"},"modelVersion":"v2"}""", "v2")]
    [InlineData("""{"modelVersion":"v1","automatic":true}""", "v1")]
    [InlineData("""{"modelVersion":5}""", null)]
    [InlineData("""{"ensemble":{"modelVersion":"inner"}}""", null)]
    [InlineData("""["modelVersion","v1"]""", null)]
    [InlineData(null, null)]
    public void String_FindsATopLevelStringProperty_AndNothingNested(string? data, string? expected) =>
        Assert.Equal(expected, EntryData.String(data, "modelVersion"));

    [Theory]
    [InlineData("""{"categoryId":"environment","setCategory":true}""", true)]
    [InlineData("""{"setCategory":false}""", false)]
    [InlineData("""{"setCategory":"true"}""", false)]
    [InlineData("""{"ensemble":{"setCategory":true}}""", false)]
    [InlineData(null, false)]
    public void IsTrue_OnlyForATopLevelLiteralTrue(string? data, bool expected) =>
        Assert.Equal(expected, EntryData.IsTrue(data, "setCategory"));
}
