using System.Net;
using System.Net.Mail;
using System.Text;
using Microsoft.Extensions.Options;

namespace Hotline.Intake.Email;

/// <summary>Sends one e-mail. The seam where MailKit (not in this registry) or a mail API would replace System.Net.Mail.</summary>
public interface IMailSender
{
    /// <summary>Throws <see cref="SmtpException"/> when the server refuses or cannot be reached.</summary>
    Task SendAsync(MailEnvelope mail, CancellationToken ct);
}

/// <summary>
/// One plain-text message. <c>MessageId</c> is stable per queued e-mail, so a re-send after a crash carries the same Message-ID
/// and mail systems can recognise it as the same message.
/// </summary>
public sealed record MailEnvelope(string To, string Subject, string Body, string MessageId);

/// <summary>System.Net.Mail over SMTP, with STARTTLS and credentials when configured.</summary>
public sealed class SmtpMailSender(IOptions<SmtpOptions> options) : IMailSender
{
    public async Task SendAsync(MailEnvelope mail, CancellationToken ct)
    {
        var smtp = options.Value;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }
        using var message = new MailMessage
        {
            From = new MailAddress(smtp.From!, smtp.FromName, Encoding.UTF8),
            Subject = mail.Subject,
            SubjectEncoding = Encoding.UTF8,
            Body = mail.Body,
            BodyEncoding = Encoding.UTF8,
            IsBodyHtml = false,
        };
        message.To.Add(mail.To);
        message.Headers.Add("Message-ID", mail.MessageId);
        await client.SendMailAsync(message, ct);
    }
}
