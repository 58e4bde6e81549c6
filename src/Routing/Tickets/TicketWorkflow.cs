using System.Security.Cryptography;
using Hotline.Routing.Calendar;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Hotline.Routing.Telemetry;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Hotline.Routing.Tickets;

/// <summary>
/// Runs one change to a ticket as one transaction: load, check, transition, then save the ticket, its new timeline entries and
/// their outbox messages together. A stale write (someone else changed the ticket first) is refused with the current state.
/// </summary>
public sealed partial class TicketWorkflow(RoutingDbContext db, IClock clock, OutboxSignal outboxSignal, TicketViews views,
    HotlineMetrics metrics, GroupCommit groupCommit, ILogger<TicketWorkflow> logger)
{
    // Entries staged for the next save, counted in the metrics once it commits.
    private readonly List<(Channel, TimelineEntry)> _staged = [];

    private const string TrackingAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    public Instant Now => clock.GetCurrentInstant();

    /// <summary>
    /// Registers a new contact. With an intake key, a retry of the same contact returns the ticket created first.
    /// <paramref name="keyLookedUp"/>: the caller has just asked <see cref="FindByIntakeKeyAsync"/> itself, so the lookup is not
    /// repeated (a retry racing in between still gets the first ticket, from the unique index below).
    /// </summary>
    public async Task<Result<Registration>> RegisterAsync(NewTicket draft, Actor actor, CancellationToken ct, bool keyLookedUp = false)
    {
        if (!keyLookedUp && draft.IntakeKey is { } key && await FindByIntakeKeyAsync(key, draft.IntakeFingerprint, ct) is { } earlier)
        {
            return earlier;
        }
        for (var attempt = 0; ; attempt++)
        {
            var ticket = Ticket.Register(draft, NewTrackingCode(), actor, clock.GetCurrentInstant());
            try
            {
                if (GroupCommit.Applies(db))
                {
                    // The rows are made once and staged on whichever context commits them (the group's, or their own). The
                    // timeline entries are already sealed into the ticket's hash chain by the ticket itself.
                    var entries = ticket.NewTimelineEntries.ToList();
                    var messages = entries.Select(e => OutboxWriter.Create(TicketEvent.Topic, TicketEvent.From(ticket, e), e.At)).ToList();
                    ticket.ClearNewTimelineEntries();
                    await groupCommit.CommitAsync(target =>
                    {
                        target.Tickets.Add(ticket);
                        target.Timeline.AddRange(entries);
                        target.Outbox.AddRange(messages);
                    }, ct);
                    _staged.AddRange(entries.Select(e => (ticket.Channel, e)));
                }
                else
                {
                    db.Tickets.Add(ticket);
                    Stage(ticket);
                    await db.SaveChangesAsync(ct);
                }
                Committed();
                outboxSignal.Notify();
                return new Registration(ticket.Id, ticket.TrackingCode, Created: true);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
                _staged.Clear();
                // Either a concurrent retry with the same intake key won the race, or (very rarely) the tracking code collided.
                if (draft.IntakeKey is { } retryKey && await FindByIntakeKeyAsync(retryKey, draft.IntakeFingerprint, ct) is { } winner)
                {
                    return winner;
                }
            }
        }
    }

    /// <summary>Loads a ticket the actor may see, applies <paramref name="change"/> and commits it with its timeline.</summary>
    public async Task<Result<TicketView>> ChangeAsync(TicketId id, Actor actor, int? expectedVersion,
        Func<Ticket, Instant, Task<HotlineError?>> change, CancellationToken ct)
    {
        var ticket = await LoadVisibleAsync(id, actor, ct);
        if (ticket is null)
        {
            return new NotFound("工单不存在，或您无权查看。");
        }
        if (expectedVersion is { } expected && expected != ticket.Version && !await OnlySystemNotesSinceAsync(ticket, expected, ct))
        {
            return new ConcurrentChange(await views.ForStaffAsync(ticket, actor, ct));
        }
        HotlineError? error;
        try
        {
            error = await change(ticket, clock.GetCurrentInstant());
        }
        catch (CalendarYearMissingException missing)
        {
            // Loud on purpose: every deadline in that year is blocked until an admin records the notice.
            LogCalendarMissing(logger, missing.Year, id.Value);
            error = new CalendarUnavailable(missing.Year);
        }
        if (error is not null)
        {
            return error;
        }
        return await SaveAsync(ticket, actor, ct);
    }

    /// <summary>
    /// Whether every save since <paramref name="expected"/> was the system noting something about the ticket rather than anyone
    /// deciding on it: the overdue job marking a missed deadline, or the routing engine recording its classification (without
    /// dispatching). Such a note edits nothing a person decided on, so an action taken on the view just before it still applies
    /// (the action's own rules are checked on the current ticket: a ticket the engine dispatched meanwhile has changed state).
    /// Without this, an agent dispatching a ticket right after registering it, while the engine classified it, a department
    /// signing or replying a minute after its deadline, or a supervisor urging from the overdue list before the job's pass, was
    /// refused as "changed meanwhile" for a change nobody made. Each save moves the version once and a save's entries share its
    /// instant, so the newest saves are notes when the newest entries, grouped by instant, are that many groups of notes.
    /// </summary>
    private async Task<bool> OnlySystemNotesSinceAsync(Ticket ticket, int expected, CancellationToken ct)
    {
        var saves = ticket.Version - expected;
        if (saves is < 1 or > 2)
        {
            return false; // a view from the future, or older than the few notes that can follow one another
        }
        var newest = await db.Timeline.AsNoTracking()
            .Where(e => e.TicketId == ticket.Id)
            .OrderByDescending(e => e.Sequence)
            .Take(2 * saves)
            .Select(e => new { e.Kind, e.At })
            .ToListAsync(ct);
        var notes = newest.TakeWhile(e => e.Kind is TimelineEventKind.SignOverdue or TimelineEventKind.ReplyOverdue or TimelineEventKind.Classified)
            .Select(e => e.At).Distinct().Count();
        return notes >= saves;
    }

    /// <summary>
    /// A change made by the citizen themself (a follow-up text, a keypad rating): the ticket must belong to their phone number,
    /// which is how a citizen proves ownership on channels without sign-in.
    /// </summary>
    public async Task<Result<TicketView>> ChangeForCitizenAsync(TicketId id, string phone, Actor citizen,
        Func<Ticket, Instant, HotlineError?> change, CancellationToken ct)
    {
        var ticket = await db.Tickets.Include(t => t.CoHandlers).SingleOrDefaultAsync(t => t.Id == id && t.CitizenPhone == phone, ct);
        if (ticket is null)
        {
            return new NotFound("未找到该工单。");
        }
        if (change(ticket, clock.GetCurrentInstant()) is { } error)
        {
            return error;
        }
        return await SaveAsync(ticket, citizen, ct);
    }

    /// <summary>Merges <paramref name="sourceId"/> into <paramref name="targetId"/>: both tickets change in one transaction.</summary>
    public async Task<Result<TicketView>> MergeAsync(TicketId sourceId, TicketId targetId, Actor actor, string? note, CancellationToken ct)
    {
        var source = await LoadVisibleAsync(sourceId, actor, ct);
        var target = await LoadVisibleAsync(targetId, actor, ct);
        if (source is null || target is null)
        {
            return new NotFound("工单不存在，或您无权查看。");
        }
        if (source.MergeInto(actor, clock.GetCurrentInstant(), target, note) is { } error)
        {
            return error;
        }
        Stage(target);
        return await SaveAsync(source, actor, ct);
    }

    /// <summary>
    /// Marks a ticket's missed sign and reply deadlines, each once. Two hosts checking at once cannot both mark it: the flag and
    /// the version check let only one write succeed. Returns how many marks were written.
    /// </summary>
    public async Task<int> MarkOverdueAsync(TicketId id, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var ticket = await db.Tickets.Include(t => t.CoHandlers).SingleOrDefaultAsync(t => t.Id == id, ct);
        if (ticket is null)
        {
            return 0;
        }
        var now = clock.GetCurrentInstant();
        var marks = (ticket.MarkSignOverdue(now) ? 1 : 0) + (ticket.MarkReplyOverdue(now) ? 1 : 0);
        if (marks == 0)
        {
            return 0;
        }
        Stage(ticket);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || IsDuplicateTimelineEntry(ex))
        {
            // Changed meanwhile (signed, replied, or marked by another host): the next pass looks again.
            db.ChangeTracker.Clear();
            _staged.Clear();
            return 0;
        }
        Committed();
        outboxSignal.Notify();
        return marks;
    }

    public async Task<Ticket?> LoadVisibleAsync(TicketId id, Actor actor, CancellationToken ct)
    {
        var ticket = await db.Tickets.Include(t => t.CoHandlers).SingleOrDefaultAsync(t => t.Id == id, ct);
        return ticket is not null && TicketAccess.CanSee(actor, ticket) ? ticket : null;
    }

    private async Task<Result<TicketView>> SaveAsync(Ticket ticket, Actor actor, CancellationToken ct)
    {
        Stage(ticket);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException || IsDuplicateTimelineEntry(ex))
        {
            db.ChangeTracker.Clear();
            _staged.Clear();
            var current = await db.Tickets.AsNoTracking().Include(t => t.CoHandlers).SingleAsync(t => t.Id == ticket.Id, ct);
            return new ConcurrentChange(await views.ForStaffAsync(current, actor, ct));
        }
        Committed();
        outboxSignal.Notify();
        return await views.ForStaffAsync(ticket, actor, ct);
    }

    private void Stage(Ticket ticket)
    {
        foreach (var entry in ticket.NewTimelineEntries)
        {
            db.Timeline.Add(entry);
            OutboxWriter.Enqueue(db, TicketEvent.Topic, TicketEvent.From(ticket, entry), entry.At);
            _staged.Add((ticket.Channel, entry));
        }
        ticket.ClearNewTimelineEntries();
    }

    /// <summary>
    /// After a successful save. Inside a caller's transaction (Feedback's rating, an inbound SMS) this is before that commit, so
    /// a change rolled back later has still been counted; those paths fail rarely, and metrics are not records.
    /// </summary>
    private void Committed()
    {
        metrics.TimelineCommitted(_staged);
        _staged.Clear();
    }

    /// <summary>
    /// The ticket an earlier contact with this intake key created, if any (<c>SameRequest</c> compares fingerprints). Lets a
    /// channel answer a retry before doing costly or lasting work (storing uploads, spending a rate-limit permit).
    /// </summary>
    public async Task<Registration?> FindByIntakeKeyAsync(string key, string? fingerprint, CancellationToken ct)
    {
        var existing = await db.Tickets.AsNoTracking()
            .Where(t => t.IntakeKey == key)
            .Select(t => new { t.Id, t.TrackingCode, t.IntakeFingerprint })
            .SingleOrDefaultAsync(ct);
        if (existing is null)
        {
            return null;
        }
        return new Registration(existing.Id, existing.TrackingCode, Created: false,
            SameRequest: fingerprint is null || existing.IntakeFingerprint == fingerprint);
    }

    // Two writers can both read version N; the unique (TicketId, Sequence) index rejects the second timeline entry even where
    // the provider reports it as a plain constraint violation rather than a concurrency failure.
    private static bool IsDuplicateTimelineEntry(DbUpdateException ex) =>
        ex.Entries.Any(e => e.Entity is TimelineEntry);

    [LoggerMessage(Level = LogLevel.Error,
        Message = "No holiday notice for {Year}: a deadline of ticket {TicketId} cannot be computed. An admin must record the notice.")]
    private static partial void LogCalendarMissing(ILogger logger, int year, Guid ticketId);

    private static string NewTrackingCode()
    {
        Span<char> code = stackalloc char[10];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = TrackingAlphabet[RandomNumberGenerator.GetInt32(TrackingAlphabet.Length)];
        }
        return new string(code);
    }
}

/// <summary>The outcome of registering a contact. <c>Created</c> is false when an earlier request with the same key made it.</summary>
public sealed record Registration(TicketId Id, string TrackingCode, bool Created, bool SameRequest = true);

/// <summary>A value or an expected failure.</summary>
public readonly struct Result<T>
{
    private Result(T? value, HotlineError? error)
    {
        Value = value;
        Error = error;
    }

    public T? Value { get; }
    public HotlineError? Error { get; }

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(HotlineError error) => new(default, error);
}
