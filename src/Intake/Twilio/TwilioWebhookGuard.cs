using Hotline.Intake.Citizens;
using Hotline.Routing;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Logging;

namespace Hotline.Intake.Twilio;

/// <summary>
/// The check every Twilio webhook passes first: the channel must be configured, and <c>X-Twilio-Signature</c> must match the
/// exact public URL (with its query string) and every posted field. A forged, tampered or unsigned request gets 403, is logged
/// with the sender masked, and writes nothing.
/// </summary>
internal static partial class TwilioWebhookGuard
{
    /// <summary>Refuses a webhook when SMS is off, or when its signature does not match the public URL it was sent to.</summary>
    public static async Task<ProblemHttpResult?> RejectAsync(HttpRequest request, TwilioOptions twilio, ILogger logger, CancellationToken ct)
    {
        if (!twilio.IsConfigured || string.IsNullOrWhiteSpace(twilio.PublicBaseUrl))
        {
            return new Routing.NotFound("短信与语音渠道未启用（未配置 Hotline:Twilio）。").ToProblem();
        }
        if (!request.HasFormContentType)
        {
            LogForged(logger, request.Path, "not a form post");
            return new NotPermitted("请求签名无效。").ToProblem();
        }
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(ct);
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidOperationException or IOException or BadHttpRequestException)
        {
            // A form Twilio would never send (no multipart boundary, thousands of fields, a broken body): refused before anything.
            LogForged(logger, request.Path, "malformed form");
            return ValidationFailed.One("form", "请求正文不是有效的表单。").ToProblem();
        }
        var url = twilio.WebhookUrl(request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString);
        if (!TwilioSignature.IsValid(twilio.AuthToken!, url, form, request.Headers[TwilioSignature.HeaderName]))
        {
            LogForged(logger, request.Path, form.TryGetValue("From", out var from) && PhoneNumber.TryNormalize(from, out var phone)
                ? PersonalDataMask.Phone(phone) : "unknown sender");
            return new NotPermitted("请求签名无效。").ToProblem();
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a Twilio webhook to {Path} with a missing or invalid signature ({Detail})")]
    private static partial void LogForged(ILogger logger, PathString path, string detail);
}
