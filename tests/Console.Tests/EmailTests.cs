using Hotline.Console.Tests.Infrastructure;
using Hotline.Intake.Email;
using Hotline.Intake.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Supervision;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Console.Tests;

/// <summary>E-mail to departments, sent from the outbox to a real SMTP server on loopback.</summary>
public sealed class EmailTests : IAsyncLifetime
{
    private TestDatabase _database = null!;
    private SmtpServer _smtp = null!;
    private TestHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _smtp = await SmtpServer.StartAsync();
        _host = await TestHost.StartAsync(_database, new TestClock(TestClock.Shanghai(2026, 11, 23, 9)), deliverOutbox: false,
            settings: new Dictionary<string, string>
            {
                ["Hotline:Smtp:Host"] = "127.0.0.1",
                ["Hotline:Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Hotline:Smtp:From"] = "12345@demo-city.example",
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _smtp.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task DeliverAllAsync()
    {
        var dispatcher = _host.Get<OutboxDispatcher>();
        while (await dispatcher.DeliverPendingAsync(CancellationToken.None) > 0)
        {
        }
    }

    private async Task<List<OutboundEmail>> EmailsAsync()
    {
        using var scope = _host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IntakeDbContext>().OutboundEmail.AsNoTracking().OrderBy(e => e.CreatedAt).ToListAsync();
    }

    private async Task<string> OutboxErrorsAsync()
    {
        using var scope = _host.Services.CreateScope();
        var rows = await scope.ServiceProvider.GetRequiredService<Hotline.Routing.Storage.RoutingDbContext>().Outbox.AsNoTracking().ToListAsync();
        return string.Join("; ", rows.Select(r => $"{r.Topic} delivered={r.DeliveredAt is not null} {r.LastError}"));
    }

    private async Task<string> DispatchedTicketAsync(params string[] coHandlers)
    {
        var receipt = await _host.Anonymous().PostOkAsync("/api/citizen/tickets", new { content = "工地夜间施工噪音扰民。", phone = "13812345678", type = "投诉" });
        var agent = await _host.SignInAsync("agent");
        await agent.PostOkAsync($"/api/tickets/{receipt.Str("id")}/dispatch", new { leadDepartmentId = "city-housing", coHandlerDepartmentIds = coHandlers });
        return receipt.Str("id");
    }

    [Fact]
    public async Task Dispatch_MailsTheLeadAndEachCoHandler_Once()
    {
        await DispatchedTicketAsync("city-environment");
        await DeliverAllAsync();
        await DeliverAllAsync();

        var received = _smtp.Received.OrderBy(m => m.To, StringComparer.Ordinal).ToList();
        Assert.True(received.Count == 2, string.Join("; ", (await EmailsAsync()).Select(e => $"{e.Status} {e.To} {e.LastError}")) + " / " + await OutboxErrorsAsync());
        Assert.Contains("city-environment@demo-city.example", received[0].To);
        Assert.Contains("协办", received[0].Subject);
        Assert.Contains("city-housing@demo-city.example", received[1].To);
        Assert.Contains("主办", received[1].Subject);
        Assert.Contains("市住房和城乡建设局：", received[1].Body);
        Assert.Contains("答复时限", received[1].Body);
        Assert.All(await EmailsAsync(), e => Assert.Equal(EmailStatus.Sent, e.Status));
    }

    [Fact]
    public async Task UrgeAndOverdue_AreMailed_AndReminderIsSentOncePerDeadline()
    {
        var id = await DispatchedTicketAsync();
        var supervisor = await _host.SignInAsync("supervisor");
        await supervisor.PostOkAsync($"/api/tickets/{id}/urge", new { message = "请尽快处理" });
        _host.Clock.Advance(Duration.FromDays(3));
        await _host.Get<OverdueMonitor>().CheckOnceAsync(CancellationToken.None); // sign deadline missed

        // Complaint received Monday 11-23: 15 working days end 12-14 24:00; remind within 24 h of that.
        _host.Clock.Set(TestClock.Shanghai(2026, 12, 14, 9));
        var reminder = _host.Get<DeadlineReminder>();
        Assert.Equal(1, await reminder.RemindOnceAsync(CancellationToken.None));
        await reminder.RemindOnceAsync(CancellationToken.None);
        await DeliverAllAsync();

        var subjects = _smtp.Received.Select(m => m.Subject).ToList();
        Assert.Equal(4, subjects.Count);
        Assert.Single(subjects, s => s.Contains("督办", StringComparison.Ordinal));
        Assert.Single(subjects, s => s.Contains("签收超时", StringComparison.Ordinal));
        Assert.Single(subjects, s => s.Contains("即将到达答复时限", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SmtpServerDown_TheMailWaits_AndIsSentOnceItIsBack()
    {
        await _smtp.StopProcessAsync();
        await DispatchedTicketAsync();
        await DeliverAllAsync();
        var waiting = Assert.Single(await EmailsAsync());
        Assert.Equal(EmailStatus.Queued, waiting.Status);
        Assert.NotNull(waiting.LastError);

        await _smtp.StartProcessAsync();
        _host.Clock.Advance(Duration.FromMinutes(10));
        await DeliverAllAsync();
        Assert.Single(_smtp.Received);
        var sent = Assert.Single(await EmailsAsync());
        Assert.Equal(EmailStatus.Sent, sent.Status);
        Assert.Equal(2, sent.Attempts);
    }

    [Fact]
    public async Task DepartmentWithoutAnAddress_IsSkipped_NotRetried()
    {
        var admin = await _host.SignInAsync("admin");
        var update = await admin.PutAsync("/api/admin/departments/city-housing",
            System.Net.Http.Json.JsonContent.Create(new { name = "市住房和城乡建设局", kind = "Functional", parentId = "centre" }));
        Assert.True(update.IsSuccessStatusCode);
        await DispatchedTicketAsync();
        await DeliverAllAsync();
        Assert.Empty(_smtp.Received);
        Assert.Equal(EmailStatus.Skipped, Assert.Single(await EmailsAsync()).Status);
    }
}
