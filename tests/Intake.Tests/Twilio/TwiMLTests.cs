using System.Xml.Linq;
using Hotline.Intake.Twilio;

namespace Hotline.Intake.Tests.Twilio;

public sealed class TwiMLTests
{
    private const string Hostile = "您好 <script>alert('x')</script> & \"引号\" ]]> 😀";

    [Fact]
    public void Say_DefaultsToMandarinVoice()
    {
        var say = Single(new TwiML().Say("您好，这里是12345政务服务便民热线。"), "Say");

        Assert.Equal("您好，这里是12345政务服务便民热线。", say.Value);
        Assert.Equal("cmn-CN", (string?)say.Attribute("language"));
        Assert.Equal("Polly.Zhiyu", (string?)say.Attribute("voice"));
        Assert.Null(say.Attribute("loop"));
    }

    [Fact]
    public void Say_MarkupAndAmpersandInText_AreEscapedNotInterpreted()
    {
        var xml = new TwiML().Say(Hostile).ToXml();

        Assert.DoesNotContain("<script>", xml, StringComparison.Ordinal);
        Assert.Contains("&amp;", xml, StringComparison.Ordinal);
        var say = Assert.Single(XDocument.Parse(xml).Root!.Elements());
        Assert.Equal(Hostile, say.Value);
        Assert.Empty(say.Elements());
    }

    [Fact]
    public void Say_ExplicitLanguageAndVoice_OrNoneAtAll()
    {
        var response = Parse(new TwiML().Say("Hello", "en-US", "Polly.Joanna", loop: 2).Say("默认", null, null));
        var says = response.Elements("Say").ToList();

        Assert.Equal("en-US", (string?)says[0].Attribute("language"));
        Assert.Equal("Polly.Joanna", (string?)says[0].Attribute("voice"));
        Assert.Equal("2", (string?)says[0].Attribute("loop"));
        Assert.Empty(says[1].Attributes());
    }

    [Fact]
    public void Gather_WritesEveryAttributeAndNestedSays()
    {
        var twiml = new TwiML().Gather(
            new GatherOptions
            {
                Action = "/twilio/voice/menu?step=1&lang=zh",
                Method = TwilioMethod.Post,
                Timeout = 6,
                SpeechTimeout = SpeechTimeout.Auto,
                NumDigits = 1,
                Hints = ["停水", "噪音", "供暖"],
                ActionOnEmptyResult = true,
            },
            prompt => prompt.Say("咨询请按1，投诉请按2。").Say(Hostile));
        var gather = Single(twiml, "Gather");

        Assert.Equal("dtmf speech", (string?)gather.Attribute("input"));
        Assert.Equal("cmn-Hans-CN", (string?)gather.Attribute("language"));
        Assert.Equal("/twilio/voice/menu?step=1&lang=zh", (string?)gather.Attribute("action"));
        Assert.Equal("POST", (string?)gather.Attribute("method"));
        Assert.Equal("6", (string?)gather.Attribute("timeout"));
        Assert.Equal("auto", (string?)gather.Attribute("speechTimeout"));
        Assert.Equal("1", (string?)gather.Attribute("numDigits"));
        Assert.Equal("停水,噪音,供暖", (string?)gather.Attribute("hints"));
        Assert.Equal("true", (string?)gather.Attribute("actionOnEmptyResult"));
        var says = gather.Elements("Say").ToList();
        Assert.Equal(2, says.Count);
        Assert.Equal("咨询请按1，投诉请按2。", says[0].Value);
        Assert.Equal("cmn-CN", (string?)says[0].Attribute("language"));
        Assert.Equal(Hostile, says[1].Value);
    }

    [Theory]
    [InlineData(1, "dtmf")]
    [InlineData(2, "speech")]
    [InlineData(3, "dtmf speech")]
    public void Gather_Input_IsSpelledAsTwilioExpects(int input, string expected)
    {
        var options = new GatherOptions { Input = (GatherInput)input, SpeechTimeout = SpeechTimeout.FromSeconds(3) };
        var gather = Single(new TwiML().Gather(options), "Gather");

        Assert.Equal(expected, (string?)gather.Attribute("input"));
        Assert.Equal("3", (string?)gather.Attribute("speechTimeout"));
        Assert.Null(gather.Attribute("action"));
        Assert.Empty(gather.Elements());
    }

    [Fact]
    public void Gather_ValuesTwilioRefuses_CannotBeBuilt()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SpeechTimeout.FromSeconds(0));
        Assert.Throws<ArgumentException>(() => new TwiML().Gather(new GatherOptions { Input = 0 }));
        Assert.Throws<ArgumentException>(() => new TwiML().Gather(new GatherOptions { Hints = ["东城,西城"] }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TwiML().Gather(new GatherOptions { NumDigits = 0 }));
    }

    [Fact]
    public void Record_WritesEveryAttribute()
    {
        var record = Single(new TwiML().Record(new RecordOptions
        {
            Action = "/twilio/voice/recorded",
            MaxLength = 120,
            Timeout = 10,
            PlayBeep = true,
            Transcribe = false,
            TranscribeCallback = "https://12345.example.gov.cn/twilio/voice/transcribed",
            RecordingStatusCallback = "https://12345.example.gov.cn/twilio/voice/recording-status?a=1&b=2",
        }), "Record");

        Assert.Equal("/twilio/voice/recorded", (string?)record.Attribute("action"));
        Assert.Equal("120", (string?)record.Attribute("maxLength"));
        Assert.Equal("10", (string?)record.Attribute("timeout"));
        Assert.Equal("true", (string?)record.Attribute("playBeep"));
        Assert.Equal("false", (string?)record.Attribute("transcribe"));
        Assert.Equal("https://12345.example.gov.cn/twilio/voice/transcribed", (string?)record.Attribute("transcribeCallback"));
        Assert.Equal("https://12345.example.gov.cn/twilio/voice/recording-status?a=1&b=2", (string?)record.Attribute("recordingStatusCallback"));
    }

    [Fact]
    public void Record_WithoutOptions_LeavesTwiliosDefaults()
    {
        var record = Single(new TwiML().Record(), "Record");

        Assert.Empty(record.Attributes());
    }

    [Fact]
    public void IvrFlow_KeepsVerbOrder_HangupAndRedirectAsTwilioSpellsThem()
    {
        var response = Parse(new TwiML()
            .Say("请在提示音后留言。")
            .Record(new RecordOptions { MaxLength = 60 })
            .Say("没有收到留言。")
            .Redirect("/twilio/voice?retry=1&from=record", TwilioMethod.Get)
            .Hangup());

        Assert.Equal(["Say", "Record", "Say", "Redirect", "Hangup"], response.Elements().Select(e => e.Name.LocalName));
        var redirect = response.Element("Redirect")!;
        Assert.Equal("/twilio/voice?retry=1&from=record", redirect.Value);
        Assert.Equal("GET", (string?)redirect.Attribute("method"));
        var hangup = response.Element("Hangup")!;
        Assert.Empty(hangup.Attributes());
        Assert.True(hangup.IsEmpty);
    }

    [Fact]
    public void Message_RepliesToSmsWithEscapedText()
    {
        var message = Single(new TwiML().Message("已收到您的诉求，工单号 A1B2C3。" + Hostile), "Message");

        Assert.Equal("已收到您的诉求，工单号 A1B2C3。" + Hostile, message.Value);
        Assert.Empty(message.Attributes());
    }

    [Fact]
    public void ToXml_IsAUtf8DocumentWithOneResponse()
    {
        var xml = new TwiML().ToXml();
        var document = XDocument.Parse(xml);

        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", xml, StringComparison.Ordinal);
        Assert.Equal("Response", document.Root!.Name.LocalName);
        Assert.Empty(document.Root.Elements());
        Assert.Equal("application/xml; charset=utf-8", new TwiML().ToResult().ContentType);
    }

    [Fact]
    public void ToXml_CharactersXmlCannotCarry_BecomeReplacementCharacters()
    {
        var message = Single(new TwiML().Message("噪音\u0001扰民\uD800。"), "Message");

        Assert.Equal("噪音\uFFFD扰民\uFFFD。", message.Value);
    }

    private static XElement Parse(TwiML twiml)
    {
        var root = XDocument.Parse(twiml.ToXml()).Root!;
        Assert.Equal("Response", root.Name.LocalName);
        return root;
    }

    private static XElement Single(TwiML twiml, string verb)
    {
        var element = Assert.Single(Parse(twiml).Elements());
        Assert.Equal(verb, element.Name.LocalName);
        return element;
    }
}
