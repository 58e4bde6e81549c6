using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Hotline.Intake.Email;

/// <summary>Why a department is written to.</summary>
public enum EmailPurpose
{
    Assigned,     // 新派单（主办或协办）
    DueSoon,      // 即将到期
    Overdue,      // 已超时
    Urged,        // 督办
}

public enum EmailStatus
{
    Queued,
    Sent,
    Failed,
    Skipped, // no SMTP server configured, or the department has no address
}

/// <summary>
/// An e-mail to a department, written in the transaction that decided to send it and sent from the outbox. <see cref="CauseKey"/>
/// is unique, so a redelivered event or a second reminder pass never mails twice.
/// </summary>
public sealed class OutboundEmail
{
    public Guid Id { get; init; } = Guid.CreateVersion7();
    public EmailPurpose Purpose { get; init; }
    public string CauseKey { get; init; } = "";
    public Guid TicketId { get; init; }
    public string DepartmentId { get; init; } = "";
    public string? To { get; init; }
    public string Subject { get; init; } = "";
    public string Body { get; init; } = "";
    public Instant CreatedAt { get; init; }
    public EmailStatus Status { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public Instant UpdatedAt { get; set; }
}

/// <summary>The SMTP server departments are mailed through (<c>Hotline:Smtp</c>). Without a host, e-mail is off and says so.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    [Range(1, 65_535)]
    public int Port { get; set; } = 25;

    /// <summary>STARTTLS (System.Net.Mail's EnableSsl). Turn on for any server outside the machine.</summary>
    public bool EnableSsl { get; set; }

    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>The sender address, e.g. <c>12345@city.gov.cn</c>.</summary>
    public string? From { get; set; }

    public string FromName { get; set; } = "12345政务服务便民热线";

    /// <summary>How many hours before a reply deadline the department is reminded.</summary>
    [Range(1, 24 * 14)]
    public int ReminderHoursBefore { get; set; } = 24;

    [Range(5, 3_600)]
    public int ReminderCheckSeconds { get; set; } = 300;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(From);
}
