using System.Globalization;
using Hotline.Intake.Twilio;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Voice;

/// <summary>
/// The voice channel as Twilio webhooks answered with TwiML: a Chinese greeting, the caller's request taken by speech, read back
/// and confirmed, and a voicemail (with transcription) when speech fails. A call that ends before a ticket exists is kept as a
/// missed call for the callback list. Every webhook is signature-checked first.
/// </summary>
public static class VoiceWebhooks
{
    public const string Base = "/webhooks/twilio/voice";
    public const string IncomingPath = Base;
    public const string RequestPath = Base + "/request";
    public const string ConfirmPath = Base + "/confirm";
    public const string VoicemailPath = Base + "/voicemail";
    public const string RecordedPath = Base + "/recorded";
    public const string TranscriptionPath = Base + "/transcription";
    public const string StatusPath = Base + "/status";
    public const string RatingPath = Base + "/rating";
    public const string RatingResultPath = Base + "/rating-result";

    private const string Greeting = "您好，这里是12345政务服务便民热线。";
    private const string AskRequest = "请在提示音后简要说明您要反映的问题和地点，说完请稍候。";

    public static IEndpointRouteBuilder MapVoiceWebhooks(this IEndpointRouteBuilder app)
    {
        var voice = app.MapGroup("").WithTags("Twilio 回调").AllowAnonymous().DisableAntiforgery()
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                var twilio = http.RequestServices.GetRequiredService<IOptions<TwilioOptions>>().Value;
                var logger = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Hotline.Intake.Voice");
                return await TwilioWebhookGuard.RejectAsync(http.Request, twilio, logger, http.RequestAborted) ?? await next(context);
            });
        voice.MapPost(IncomingPath, IncomingAsync).WithSummary("来电（问候并采集诉求）");
        voice.MapPost(RequestPath, RequestAsync).WithSummary("语音识别结果（复述确认）");
        voice.MapPost(ConfirmPath, ConfirmAsync).WithSummary("确认登记");
        voice.MapPost(VoicemailPath, (IOptions<TwilioOptions> o) => Voicemail(o.Value)).WithSummary("留言");
        voice.MapPost(RecordedPath, RecordedAsync).WithSummary("留言录音完成");
        voice.MapPost(TranscriptionPath, TranscriptionAsync).WithSummary("留言转写回调");
        voice.MapPost(StatusPath, StatusAsync).WithSummary("通话状态回调（漏接）");
        voice.MapPost(RatingPath, (string? ticket, IOptions<TwilioOptions> o) => RatingPrompt(o.Value, ticket ?? "")).WithSummary("回访结束按键评价");
        voice.MapPost(RatingResultPath, RatingResultAsync).WithSummary("按键评价结果");
        return app;
    }

    private static async Task<ContentHttpResult> IncomingAsync(HttpRequest request, CallDesk desk, IOptions<TwilioOptions> twilio, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        await desk.RingAsync(form["CallSid"].ToString(), form["From"].ToString(), form["To"].ToString(), ct);
        return new TwiML().Say(Greeting).Gather(AskForRequest(twilio.Value), p => p.Say(AskRequest))
            .Redirect(twilio.Value.WebhookUrl(VoicemailPath)).ToResult();
    }

    private static async Task<ContentHttpResult> RequestAsync(HttpRequest request, CallDesk desk, IOptions<TwilioOptions> twilio, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var speech = form["SpeechResult"].ToString().Trim();
        if (speech.Length == 0)
        {
            return new TwiML().Say("抱歉，没有听清。").Redirect(twilio.Value.WebhookUrl(VoicemailPath)).ToResult();
        }
        var confidence = double.TryParse(form["Confidence"], NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : (double?)null;
        await desk.HeardAsync(form["CallSid"].ToString(), speech, confidence, ct);
        return new TwiML()
            .Say($"您反映的是：{speech}。")
            .Gather(new GatherOptions { Input = GatherInput.Dtmf, NumDigits = 1, Timeout = 8, Action = twilio.Value.WebhookUrl(ConfirmPath) },
                p => p.Say("确认请按 1，重新说明请按 2。"))
            .Redirect(twilio.Value.WebhookUrl(ConfirmPath))
            .ToResult();
    }

    private static async Task<ContentHttpResult> ConfirmAsync(HttpRequest request, CallDesk desk, IOptions<TwilioOptions> twilio, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var digits = form["Digits"].ToString();
        if (digits == "2")
        {
            return new TwiML().Gather(AskForRequest(twilio.Value), p => p.Say(AskRequest)).Redirect(twilio.Value.WebhookUrl(VoicemailPath)).ToResult();
        }
        if (digits is not ("" or "1"))
        {
            return new TwiML()
                .Gather(new GatherOptions { Input = GatherInput.Dtmf, NumDigits = 1, Timeout = 8, Action = twilio.Value.WebhookUrl(ConfirmPath) },
                    p => p.Say("确认请按 1，重新说明请按 2。"))
                .Redirect(twilio.Value.WebhookUrl(ConfirmPath))
                .ToResult();
        }
        // No key pressed counts as a yes: the read-back was heard, and losing the request would be worse than a wrong word.
        var trackingCode = await desk.RegisterAsync(form["CallSid"].ToString(), voicemail: false, ct);
        if (trackingCode is null)
        {
            return new TwiML().Redirect(twilio.Value.WebhookUrl(VoicemailPath)).ToResult();
        }
        // Only a mobile number gets the code by text; a landline or withheld caller hears it twice instead.
        var byText = Citizens.Citizen.CanReceiveSms(CallDesk.KnownCaller(form["From"].ToString()));
        var code = Spell(trackingCode);
        return new TwiML()
            .Say(byText ? $"已为您登记，查询码是 {code}。我们会用短信发送查询码。感谢来电，再见。"
                : $"已为您登记，查询码是 {code}。再说一遍，查询码是 {code}。感谢来电，再见。")
            .Hangup().ToResult();
    }

    private static ContentHttpResult Voicemail(TwilioOptions twilio) => new TwiML()
        .Say("请在提示音后留言，说完请按井号键或直接挂机。")
        .Record(new RecordOptions
        {
            Action = twilio.WebhookUrl(RecordedPath),
            MaxLength = 120, // Twilio transcribes recordings of 2 to 120 seconds only
            Timeout = 5,
            PlayBeep = true,
            Transcribe = true,
            TranscribeCallback = twilio.WebhookUrl(TranscriptionPath),
        })
        .Say("没有收到留言。如需帮助，请再次拨打 12345。").Hangup()
        .ToResult();

    private static async Task<ContentHttpResult> RecordedAsync(HttpRequest request, CallDesk desk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var seconds = int.TryParse(form["RecordingDuration"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0;
        await desk.RecordedAsync(form["CallSid"].ToString(), form["RecordingUrl"].ToString(), seconds, ct);
        var trackingCode = await desk.RegisterAsync(form["CallSid"].ToString(), voicemail: true, ct);
        return new TwiML().Say(trackingCode is null ? "留言已收到，感谢来电。" : $"留言已收到，查询码是 {Spell(trackingCode)}。感谢来电，再见。").Hangup().ToResult();
    }

    private static async Task<Ok> TranscriptionAsync(HttpRequest request, CallDesk desk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        if (form["TranscriptionStatus"].ToString() == "completed")
        {
            await desk.TranscribedAsync(form["CallSid"].ToString(), form["TranscriptionText"].ToString(), ct);
        }
        return TypedResults.Ok();
    }

    private static async Task<Ok> StatusAsync(HttpRequest request, CallDesk desk, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        if (form["CallStatus"].ToString() is "completed" or "busy" or "no-answer" or "failed" or "canceled")
        {
            await desk.EndedAsync(form["CallSid"].ToString(), ct);
        }
        return TypedResults.Ok();
    }

    private static ContentHttpResult RatingPrompt(TwilioOptions twilio, string ticket) => new TwiML()
        .Gather(new GatherOptions
        {
            Input = GatherInput.Dtmf,
            NumDigits = 1,
            Timeout = 10,
            Action = twilio.WebhookUrl($"{RatingResultPath}?ticket={Uri.EscapeDataString(ticket)}"),
        }, p => p.Say("请对本次服务进行评价：非常满意请按 5，满意请按 4，基本满意请按 3，不满意请按 2，非常不满意请按 1。"))
        .Say("没有收到评价，感谢您的配合，再见。").Hangup()
        .ToResult();

    private static async Task<ContentHttpResult> RatingResultAsync(string? ticket, HttpRequest request, CallDesk desk, IOptions<TwilioOptions> twilio,
        CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var digits = form["Digits"].ToString();
        if (digits.Length != 1 || digits[0] is < '1' or > '5')
        {
            return new TwiML().Say("请按 1 到 5 之间的数字。").Redirect(twilio.Value.WebhookUrl($"{RatingPath}?ticket={Uri.EscapeDataString(ticket ?? "")}")).ToResult();
        }
        var recorded = await desk.RateAsync(ticket ?? "", form["From"].ToString(), form["To"].ToString(), digits[0] - '0', ct);
        return new TwiML().Say(recorded ? "感谢您的评价，再见。" : "本次评价未能记录，感谢您的配合，再见。").Hangup().ToResult();
    }

    private static GatherOptions AskForRequest(TwilioOptions twilio) => new()
    {
        Input = GatherInput.Speech | GatherInput.Dtmf,
        Action = twilio.WebhookUrl(RequestPath),
        SpeechTimeout = SpeechTimeout.Auto,
        Timeout = 6,
        ActionOnEmptyResult = true,
    };

    /// <summary>Tracking codes are read out character by character, so "B7K" is not heard as a word.</summary>
    internal static string Spell(string code) => string.Join(' ', code.ToCharArray());
}
