using System.Text;
using Hotline.Intake.Twilio;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Hotline.Intake.Tests.Twilio;

/// <summary>Every vector of ../shared/fixtures/twilio/vectors.json, plus the tampering a forger would try.</summary>
public sealed class TwilioSignatureTests
{
    private const string Url = "https://12345.example.gov.cn/twilio/sms?city=demo";

    public static TheoryData<string> FormVectors => TwilioFixtures.Keys("form_vectors");
    public static TheoryData<string> JsonBodyVectors => TwilioFixtures.Keys("json_body_vectors");
    public static TheoryData<string> BodyHashVectors => TwilioFixtures.Keys("body_hash_vectors");
    public static TheoryData<string> NegativeVectors => TwilioFixtures.Keys("negative_vectors");

    private static string Token => TwilioFixtures.AuthToken;

    [Fact]
    public void Fixtures_HoldTheVectorsTheirReadmeCounts()
    {
        // 29 + 3 + 2 + 12 = 46: if the fixtures change, these tests must be looked at again.
        Assert.Equal(29, FormVectors.Count);
        Assert.Equal(3, JsonBodyVectors.Count);
        Assert.Equal(2, BodyHashVectors.Count);
        Assert.Equal(12, NegativeVectors.Count);
    }

    [Theory]
    [MemberData(nameof(FormVectors))]
    public void IsValid_PositiveFormVector_Validates(string key)
    {
        var vector = TwilioFixtures.Vector(key);
        Assert.True(vector.ExpectedValid);

        Assert.True(TwilioSignature.IsValid(Token, vector.PresentedUrl!, vector.Params, vector.Signature));
        // The signing itself, without the port leniency: the exact string and the exact HMAC the collector verified.
        Assert.Equal(vector.StringToSign, TwilioSignature.StringToSign(vector.SignedUrl!, vector.Params));
        Assert.Equal(vector.Signature, TwilioSignature.Compute(Token, vector.SignedUrl!, vector.Params));
    }

    [Theory]
    [MemberData(nameof(JsonBodyVectors))]
    public void IsValidJson_PositiveJsonVector_Validates(string key)
    {
        var vector = TwilioFixtures.Vector(key);
        Assert.True(vector.ExpectedValid);

        Assert.True(TwilioSignature.IsValidJson(Token, vector.PresentedUrl!, Encoding.UTF8.GetBytes(vector.Body!), vector.Signature));
        Assert.Equal(vector.BodySha256Hex, TwilioSignature.BodySha256Hex(Encoding.UTF8.GetBytes(vector.Body!)));
        Assert.Equal(vector.Signature, TwilioSignature.Compute(Token, vector.SignedUrl!, []));
    }

    [Theory]
    [MemberData(nameof(BodyHashVectors))]
    public void BodySha256Hex_BodyHashVector_Matches(string key)
    {
        var vector = TwilioFixtures.Vector(key);

        Assert.Equal(vector.BodySha256Hex, TwilioSignature.BodySha256Hex(Encoding.UTF8.GetBytes(vector.Body!)));
    }

    [Theory]
    [MemberData(nameof(NegativeVectors))]
    public void NegativeVector_DoesNotValidate(string key)
    {
        var vector = TwilioFixtures.Vector(key);
        Assert.False(vector.ExpectedValid);

        if (vector.ClaimedSha256Hex is { } claimed)
        {
            // The URL is signed correctly; only the body hash it carries is wrong.
            var url = $"https://mycompany.com/myapp.php?bodySHA256={claimed}";
            var signature = TwilioSignature.Compute(Token, url, []);
            Assert.True(TwilioSignature.IsValid(Token, url, [], signature));
            Assert.False(TwilioSignature.IsValidJson(Token, url, Encoding.UTF8.GetBytes(vector.Body!), signature));
        }
        else if (vector.Body is { } body)
        {
            Assert.False(TwilioSignature.IsValidJson(Token, vector.PresentedUrl!, Encoding.UTF8.GetBytes(body), vector.Signature));
        }
        else
        {
            Assert.False(TwilioSignature.IsValid(Token, vector.PresentedUrl!, vector.Params, vector.Signature));
        }
    }

    [Fact]
    public void IsValid_MultiValuedField_DoesNotDependOnValueOrder()
    {
        var vector = TwilioFixtures.Vector("form_vectors/array-param");

        Assert.True(TwilioSignature.IsValid(Token, vector.PresentedUrl!, vector.Params.Reverse(), vector.Signature));
    }

    [Fact]
    public void IsValid_AspNetCoreForm_SignsEveryValueOfAMultiValuedField()
    {
        var vector = TwilioFixtures.Vector("form_vectors/multi-value-with-duplicates");
        var form = new FormCollection(vector.Params
            .GroupBy(p => p.Key)
            .ToDictionary(g => g.Key, g => new StringValues([.. g.Select(p => p.Value)])));

        Assert.True(TwilioSignature.IsValid(Token, vector.PresentedUrl!, form, vector.Signature));
    }

    [Fact]
    public void IsValid_ChineseSmsSignedByCompute_Validates()
    {
        var fields = SmsFields("【投诉】小区噪音 & <script>alert(1)</script>");
        var signature = TwilioSignature.Compute("token-中文", Url, fields);

        Assert.True(TwilioSignature.IsValid("token-中文", Url, fields, signature));
    }

    [Theory]
    [InlineData("Body", "【投诉】小区噪音已处理")]
    [InlineData("Body", "【投诉】小区噪音 ")]
    [InlineData("From", "+8613900000000")]
    public void IsValid_FieldChangedAfterSigning_Fails(string name, string value)
    {
        var fields = SmsFields("【投诉】小区噪音");
        var signature = TwilioSignature.Compute(Token, Url, fields);
        var tampered = fields.Select(f => f.Key == name ? KeyValuePair.Create(name, value) : f).ToList();

        Assert.False(TwilioSignature.IsValid(Token, Url, tampered, signature));
    }

    [Fact]
    public void IsValid_FieldAddedOrRemovedAfterSigning_Fails()
    {
        var fields = SmsFields("【投诉】小区噪音");
        var signature = TwilioSignature.Compute(Token, Url, fields);

        Assert.False(TwilioSignature.IsValid(Token, Url, [.. fields, KeyValuePair.Create("NumMedia", "1")], signature));
        Assert.False(TwilioSignature.IsValid(Token, Url, fields.Skip(1), signature));
    }

    [Fact]
    public void IsValid_OtherAuthTokenOrUrl_Fails()
    {
        var fields = SmsFields("你好");
        var signature = TwilioSignature.Compute(Token, Url, fields);

        Assert.False(TwilioSignature.IsValid("another-token", Url, fields, signature));
        Assert.False(TwilioSignature.IsValid(Token, Url.Replace("city=demo", "city=other", StringComparison.Ordinal), fields, signature));
        Assert.False(TwilioSignature.IsValid(Token, Url.Replace("https:", "http:", StringComparison.Ordinal), fields, signature));
    }

    [Fact]
    public void IsValidJson_BodyChangedAfterSigning_Fails()
    {
        var body = Encoding.UTF8.GetBytes("""{"Body":"停水了"}""");
        var url = $"{Url}&bodySHA256={TwilioSignature.BodySha256Hex(body)}";
        var signature = TwilioSignature.Compute(Token, url, []);

        Assert.True(TwilioSignature.IsValidJson(Token, url, body, signature));
        Assert.False(TwilioSignature.IsValidJson(Token, url, Encoding.UTF8.GetBytes("""{"Body":"停电了"}"""), signature));
    }

    [Fact]
    public void IsValidJson_RepeatedBodyHash_Fails()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        var hash = TwilioSignature.BodySha256Hex(body);
        var url = $"{Url}&bodySHA256={hash}&bodySHA256={hash}";

        Assert.False(TwilioSignature.IsValidJson(Token, url, body, TwilioSignature.Compute(Token, url, [])));
    }

    [Fact]
    public void UrlVariants_KeepHostCaseAndTryPortAndWhatwgSpellings()
    {
        Assert.Equal(
            ["https://MyCompany.com/a b?q='x'", "https://MyCompany.com:443/a b?q='x'", "https://MyCompany.com/a%20b?q=%27x%27",
                "https://MyCompany.com:443/a%20b?q=%27x%27"],
            TwilioSignature.UrlVariants("https://MyCompany.com/a b?q='x'"));
        Assert.Equal(
            ["http://u:p@[::1]:8080/x", "http://u:p@[::1]/x"],
            TwilioSignature.UrlVariants("http://u:p@[::1]:8080/x"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void IsValid_NoAuthToken_Throws(string? token)
    {
        Assert.ThrowsAny<ArgumentException>(() => TwilioSignature.IsValid(token!, Url, [], "x"));
        Assert.ThrowsAny<ArgumentException>(() => TwilioSignature.IsValidJson(token!, Url, [], "x"));
    }

    private static List<KeyValuePair<string, string>> SmsFields(string body) =>
    [
        KeyValuePair.Create("MessageSid", "SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        KeyValuePair.Create("AccountSid", "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
        KeyValuePair.Create("From", "+8613812345678"),
        KeyValuePair.Create("To", "+14155552345"),
        KeyValuePair.Create("Body", body),
        KeyValuePair.Create("NumMedia", "0"),
    ];
}
