using Hotline.Intake.Twilio;

namespace Hotline.Intake.Tests.Twilio;

public sealed class TwilioOptionsTests
{
    private const string AccountSid = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    [Fact]
    public void NothingSet_IsOffAndValid()
    {
        var options = new TwilioOptions();

        Assert.False(options.IsConfigured);
        Assert.Empty(options.Validate());
        Assert.Equal("https://api.twilio.com", options.ApiBaseUrl);
    }

    [Theory]
    [InlineData("+14155552345", null)]
    [InlineData(null, "MGaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public void AccountTokenAndSender_IsConfigured(string? from, string? messagingService)
    {
        var options = new TwilioOptions
        {
            AccountSid = AccountSid,
            AuthToken = "token",
            FromNumber = from,
            MessagingServiceSid = messagingService,
            PublicBaseUrl = "https://12345.example.gov.cn",
        };

        Assert.True(options.IsConfigured);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void PartlySet_IsAStartupError()
    {
        var options = new TwilioOptions { AccountSid = AccountSid, AuthToken = "token" };

        Assert.False(options.IsConfigured);
        Assert.Contains(options.Validate(), m => m.Contains("only partly set", StringComparison.Ordinal));
    }

    [Fact]
    public void MalformedValues_AreNamed()
    {
        var options = new TwilioOptions
        {
            AccountSid = "AC123",
            AuthToken = "token",
            FromNumber = "13812345678",
            MessagingServiceSid = "MG1",
            PublicBaseUrl = "https://hotline_test.example.gov.cn",
            ApiBaseUrl = "api.twilio.com",
        };

        var problems = options.Validate().ToList();

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, m => m.Contains("AccountSid", StringComparison.Ordinal));
        Assert.Contains(problems, m => m.Contains("MessagingServiceSid", StringComparison.Ordinal));
        Assert.Contains(problems, m => m.Contains("FromNumber", StringComparison.Ordinal));
        Assert.Contains(problems, m => m.Contains("underscore", StringComparison.Ordinal));
        Assert.Contains(problems, m => m.Contains("ApiBaseUrl", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://12345.example.gov.cn", "/twilio/sms?x=%27", "https://12345.example.gov.cn/twilio/sms?x=%27")]
    [InlineData("https://12345.example.gov.cn/", "twilio/sms", "https://12345.example.gov.cn/twilio/sms")]
    [InlineData("https://example.gov.cn/hotline/", "/twilio/voice", "https://example.gov.cn/hotline/twilio/voice")]
    public void WebhookUrl_JoinsPublicBaseAndPathVerbatim(string publicBaseUrl, string pathAndQuery, string expected)
    {
        Assert.Equal(expected, new TwilioOptions { PublicBaseUrl = publicBaseUrl }.WebhookUrl(pathAndQuery));
    }

    [Fact]
    public void WebhookUrl_WithoutPublicBase_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new TwilioOptions().WebhookUrl("/twilio/sms"));
    }
}
