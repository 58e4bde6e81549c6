using Hotline.Routing.Cases;

namespace Hotline.Routing.Tests.Engine;

public sealed class PersonalDataScrubberTests
{
    [Fact]
    public void Scrub_RemovesNumbersAddressesAndTheCitizensName()
    {
        var text = "我是王小明，电话 138-1234-5678，座机 0571 88886666，身份证 11010519491231002X，邮箱 wxm@example.com。王小明家门口积水。";
        var scrubbed = PersonalDataScrubber.Scrub(text, "王小明");
        foreach (var secret in new[] { "王小明", "1234", "88886666", "11010519491231002X", "wxm@example.com" })
        {
            Assert.DoesNotContain(secret, scrubbed, StringComparison.Ordinal);
        }
        Assert.Contains("家门口积水", scrubbed, StringComparison.Ordinal);
    }

    [Fact]
    public void Scrub_LeavesOrdinaryNumbersAlone()
    {
        const string text = "幸福小区 12 栋 3 单元，2026 年 5 月起漏水 30 天";
        Assert.Equal(text, PersonalDataScrubber.Scrub(text));
    }
}
