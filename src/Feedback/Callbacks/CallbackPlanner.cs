using System.Security.Cryptography;
using Hotline.Feedback.History;
using Hotline.Feedback.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Feedback.Callbacks;

/// <summary>
/// Puts replied tickets on the callback list (回访): every complaint, and a deterministic sample of the rest
/// (<c>Hotline:Feedback:CallbackSampleShare</c>). Real-name bad reviews are queued by the rating itself. Idempotent: the reply's
/// timeline entry is the task's unique cause, so a redelivered event adds nothing.
/// </summary>
public sealed class CallbackPlanner(IServiceScopeFactory scopes, IOptions<FeedbackOptions> options, IClock clock) : IOutboxHandler
{
    public string Name => "feedback-callback-planner";
    public string Topic => TicketEvent.Topic;

    public async Task HandleAsync(OutboxMessage message, CancellationToken ct)
    {
        var change = OutboxWriter.Read<TicketEvent>(message);
        if (change.Kind != nameof(TimelineEventKind.Replied))
        {
            return;
        }
        CallbackReason? reason = change.Type == nameof(TicketType.Complaint) ? CallbackReason.Complaint
            : InSample(change.TicketId, options.Value.CallbackSampleShare) ? CallbackReason.Sample
            : null;
        if (reason is not { } why)
        {
            return;
        }
        using var scope = scopes.CreateScope();
        var feedback = scope.ServiceProvider.GetRequiredService<FeedbackDbContext>();
        var routing = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
        if (await feedback.Callbacks.AnyAsync(c => c.CauseId == change.EntryId, ct))
        {
            return;
        }
        var journal = scope.ServiceProvider.GetRequiredService<FeedbackJournal>();
        var now = clock.GetCurrentInstant();
        var task = new CallbackTask
        {
            TicketId = new TicketId(change.TicketId),
            TrackingCode = change.TrackingCode,
            DepartmentId = change.LeadDepartmentId is { } lead ? new DepartmentId(lead) : null,
            TicketType = Enum.Parse<TicketType>(change.Type),
            Reason = why,
            CauseId = change.EntryId,
            QueuedAt = now,
            Status = CallbackStatus.Pending,
        };
        await FeedbackTransaction.RunAsync<int>(routing, feedback, async () =>
        {
            feedback.Callbacks.Add(task);
            journal.Write(Actor.System, now, FeedbackSubject.Callback, task.Id, task.TicketId, task.TrackingCode, task.DepartmentId,
                FeedbackEventKind.CallbackQueued, CallbackLabels.Of(why));
            await feedback.SaveChangesAsync(ct);
            await routing.SaveChangesAsync(ct);
            return 0;
        }, ct);
        scope.ServiceProvider.GetRequiredService<OutboxSignal>().Notify();
    }

    /// <summary>
    /// Whether a ticket falls in the sample: the first 8 bytes of SHA-256 of its id, read as a fraction of 2^64, below the share.
    /// The same ticket gets the same answer on every host and every redelivery, and the share holds over many tickets.
    /// </summary>
    public static bool InSample(Guid ticketId, double share)
    {
        if (share <= 0)
        {
            return false;
        }
        if (share >= 1)
        {
            return true;
        }
        var hash = SHA256.HashData(ticketId.ToByteArray());
        var position = BitConverter.ToUInt64(hash, 0) / (double)ulong.MaxValue;
        return position < share;
    }
}
