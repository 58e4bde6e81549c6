using System.Net.Mail;
using Hotline.Intake.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Intake.Email;

/// <summary>The outbox payload asking for one <see cref="OutboundEmail"/> to be sent.</summary>
public sealed record SendEmail(Guid EmailId)
{
    public const string Topic = "email.send";
}

/// <summary>
/// Writes to departments when a ticket is assigned to them (lead or co-handler), re-handled, urged or overdue. Each e-mail is
/// recorded with its outbox message in one transaction under a unique cause key, so nothing is mailed twice for one event.
/// </summary>
public sealed class DepartmentMailer(IServiceScopeFactory scopes) : IOutboxHandler
{
    public string Name => "department-mailer";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        var recipients = change.Kind switch
        {
            nameof(TimelineEventKind.Dispatched) =>
                [(change.LeadDepartmentId, EmailPurpose.Assigned, "主办"), .. change.CoHandlerDepartmentIds.Select(d => ((string?)d, EmailPurpose.Assigned, "协办"))],
            nameof(TimelineEventKind.Rehandled) => [(change.LeadDepartmentId, EmailPurpose.Assigned, "重办")],
            nameof(TimelineEventKind.Urged) => [(change.LeadDepartmentId, EmailPurpose.Urged, "督办")],
            nameof(TimelineEventKind.SignOverdue) => [(change.LeadDepartmentId, EmailPurpose.Overdue, "签收超时")],
            nameof(TimelineEventKind.ReplyOverdue) => [(change.LeadDepartmentId, EmailPurpose.Overdue, "答复超时")],
            _ => Array.Empty<(string?, EmailPurpose, string)>(),
        };
        using var scope = scopes.CreateScope();
        var composer = scope.ServiceProvider.GetRequiredService<EmailComposer>();
        foreach (var (department, purpose, role) in recipients)
        {
            if (department is not null)
            {
                await composer.QueueAsync(new TicketId(change.TicketId), department, purpose, role, $"{change.EntryId}:{department}", ct);
            }
        }
    }
}

/// <summary>Composes a department e-mail in Chinese and queues it with its outbox message.</summary>
public sealed class EmailComposer(RoutingDbContext routing, IntakeDbContext intake, TicketViews views, IClock clock, OutboxSignal signal)
{
    public async Task QueueAsync(TicketId ticketId, string departmentId, EmailPurpose purpose, string role, string causeKey, CancellationToken ct)
    {
        if (await intake.OutboundEmail.AnyAsync(e => e.CauseKey == causeKey, ct))
        {
            return;
        }
        var ticket = await routing.Tickets.AsNoTracking().SingleAsync(t => t.Id == ticketId, ct);
        var department = await routing.Departments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == new DepartmentId(departmentId), ct);
        var (subject, body) = Compose(ticket, department?.Name ?? departmentId, purpose, role);
        var now = clock.GetCurrentInstant();
        try
        {
            var email = new OutboundEmail
            {
                Purpose = purpose,
                CauseKey = causeKey,
                TicketId = ticketId.Value,
                DepartmentId = departmentId,
                To = department?.Email,
                Subject = subject,
                Body = body,
                CreatedAt = now,
                Status = EmailStatus.Queued,
                UpdatedAt = now,
            };
            await SharedTransaction.QueueAsync(routing, intake, email, SendEmail.Topic, e => new SendEmail(e.Id), now, ct);
        }
        catch (DbUpdateException)
        {
            intake.ChangeTracker.Clear();
            if (await intake.OutboundEmail.AsNoTracking().AnyAsync(e => e.CauseKey == causeKey, ct))
            {
                return; // a concurrent pass queued the same e-mail first
            }
            throw;
        }
        signal.Notify();
    }

    private (string Subject, string Body) Compose(Ticket ticket, string departmentName, EmailPurpose purpose, string role)
    {
        string Time(Instant? instant) => instant is { } i ? views.Local(i).ToString("yyyy-MM-dd HH:mm") : "—";
        var what = purpose switch
        {
            EmailPurpose.Assigned => $"已派至贵单位{role}",
            EmailPurpose.DueSoon => "即将到达答复时限",
            EmailPurpose.Overdue => $"已{role}",
            EmailPurpose.Urged => "被督办，请加快办理",
        };
        var subject = $"【12345】工单 {ticket.TrackingCode} {what}";
        var body = string.Join('\n',
            $"{departmentName}：",
            "",
            $"工单 {ticket.TrackingCode}「{ticket.Title}」{what}。",
            $"诉求类型：{TicketLabels.Of(ticket.Type)}；紧急程度：{TicketLabels.Of(ticket.Urgency)}；当前状态：{TicketLabels.Of(ticket.State)}。",
            $"签收时限：{Time(ticket.SignDueAt)}；答复时限：{Time(ticket.ReplyDueAt)}。",
            "",
            "请登录 12345 工作台查看详情并办理。此邮件由系统自动发送，请勿直接回复。");
        return (subject, body);
    }
}

/// <summary>Delivers queued department e-mails over SMTP, from the outbox; SMTP failures are retried with the outbox's backoff.</summary>
public sealed class EmailSender(IServiceScopeFactory scopes, IOptions<SmtpOptions> smtp, IMailSender mail, IClock clock) : IOutboxHandler
{
    public string Name => "email-sender";
    public string Topic => SendEmail.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var request = OutboxWriter.Read<SendEmail>(message);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IntakeDbContext>();
        var email = await db.OutboundEmail.SingleOrDefaultAsync(e => e.Id == request.EmailId, ct);
        if (email is null || email.Status != EmailStatus.Queued)
        {
            return;
        }
        email.UpdatedAt = clock.GetCurrentInstant();
        if (!smtp.Value.IsConfigured || string.IsNullOrWhiteSpace(email.To))
        {
            email.Status = EmailStatus.Skipped;
            email.LastError = smtp.Value.IsConfigured ? "该单位未设置电子邮箱。" : "邮件服务器未配置（Hotline:Smtp）。";
            await db.SaveChangesAsync(ct);
            return;
        }
        email.Attempts++;
        try
        {
            await mail.SendAsync(new MailEnvelope(email.To, email.Subject, email.Body, $"<{email.Id}@hotline>"), ct);
            email.Status = EmailStatus.Sent;
            email.LastError = null;
        }
        catch (SmtpFailedRecipientException ex) when (ex.StatusCode is SmtpStatusCode.MailboxUnavailable or SmtpStatusCode.MailboxNameNotAllowed)
        {
            email.Status = EmailStatus.Failed; // the address does not exist: retrying cannot help
            email.LastError = ex.Message;
        }
        catch (SmtpException ex)
        {
            email.LastError = ex.Message;
            await db.SaveChangesAsync(ct);
            throw; // the outbox retries with backoff
        }
        await db.SaveChangesAsync(ct);
    }
}

/// <summary>Reminds departments of reply deadlines coming up within <see cref="SmtpOptions.ReminderHoursBefore"/>, once per deadline.</summary>
public sealed partial class DeadlineReminder(IServiceScopeFactory scopes, IOptions<SmtpOptions> smtp, IClock clock,
    BackgroundClaims claims, ILogger<DeadlineReminder> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(smtp.Value.ReminderCheckSeconds);
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // Claimed, so that several hosts do not all scan for due tickets (the e-mails are keyed and would be queued once anyway).
                await claims.RunIfClaimedAsync(nameof(DeadlineReminder), interval, RemindOnceAsync, stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
        }
    }

    /// <summary>One pass; returns how many reminders were queued.</summary>
    public async Task<int> RemindOnceAsync(CancellationToken ct)
    {
        using var scope = scopes.CreateScope();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        var composer = scope.ServiceProvider.GetRequiredService<EmailComposer>();
        var now = clock.GetCurrentInstant();
        var horizon = now.Plus(Duration.FromHours(smtp.Value.ReminderHoursBefore));
        var due = await routing.Tickets.AsNoTracking()
            .Where(t => (t.State == TicketState.Dispatched || t.State == TicketState.Signed) && t.ReplyDueAt > now && t.ReplyDueAt <= horizon)
            .Select(t => new { t.Id, t.LeadDepartmentId, t.ReplyDueAt })
            .ToListAsync(ct);
        foreach (var ticket in due.Where(t => t.LeadDepartmentId is not null))
        {
            await composer.QueueAsync(ticket.Id, ticket.LeadDepartmentId!.Value.Value, EmailPurpose.DueSoon, "",
                $"due-soon:{ticket.Id.Value}:{ticket.ReplyDueAt!.Value.ToUnixTimeSeconds()}", ct);
        }
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Deadline reminder pass failed; retrying at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception ex);
}
