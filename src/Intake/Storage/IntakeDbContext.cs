using Hotline.Intake.Citizens;
using Hotline.Intake.Email;
using Hotline.Intake.Sms;
using Hotline.Intake.Voice;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Outbox;
using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;

namespace Hotline.Intake.Storage;

/// <summary>
/// Intake's tables: citizens, inbound and outbound texts, message templates. Same database as Routing; when a change spans both
/// (a text that creates a ticket), Intake joins Routing's transaction (<see cref="SharedTransaction"/>).
/// </summary>
public sealed class IntakeDbContext(DbContextOptions<IntakeDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__IntakeMigrations";

    public DbSet<Citizen> Citizens => Set<Citizen>();
    public DbSet<InboundSms> InboundSms => Set<InboundSms>();
    public DbSet<OutboundSms> OutboundSms => Set<OutboundSms>();
    public DbSet<MessageTemplate> Templates => Set<MessageTemplate>();
    public DbSet<OutboundEmail> OutboundEmail => Set<OutboundEmail>();
    public DbSet<Call> Calls => Set<Call>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.UseHotlineConventions();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Citizen>(c =>
        {
            c.ToTable("Citizens");
            c.HasKey(x => x.Phone);
            c.Property(x => x.Phone).HasMaxLength(32);
        });
        modelBuilder.Entity<InboundSms>(m =>
        {
            m.ToTable("InboundSms");
            m.HasKey(x => x.MessageSid);
            m.Property(x => x.MessageSid).HasMaxLength(64);
            m.Property(x => x.From).HasMaxLength(32);
            m.Property(x => x.To).HasMaxLength(32);
            m.Property(x => x.Body).HasMaxLength(2_000);
            m.Property(x => x.Reply).HasMaxLength(4_000);
            m.HasIndex(x => new { x.From, x.ReceivedAt });
        });
        modelBuilder.Entity<OutboundSms>(m =>
        {
            m.ToTable("OutboundSms");
            m.HasKey(x => x.Id);
            m.Property(x => x.To).HasMaxLength(32);
            m.Property(x => x.Body).HasMaxLength(2_000);
            m.Property(x => x.ProviderSid).HasMaxLength(64);
            m.Property(x => x.LastError).HasMaxLength(2_000);
            m.HasIndex(x => new { x.CauseId, x.Purpose }).IsUnique();
            m.HasIndex(x => x.ProviderSid).IsUnique();
            m.HasIndex(x => x.TicketId);
        });
        modelBuilder.Entity<OutboundEmail>(e =>
        {
            e.ToTable("OutboundEmail");
            e.HasKey(x => x.Id);
            e.Property(x => x.CauseKey).HasMaxLength(200);
            e.HasIndex(x => x.CauseKey).IsUnique();
            e.Property(x => x.DepartmentId).HasMaxLength(64);
            e.Property(x => x.To).HasMaxLength(200);
            e.Property(x => x.Subject).HasMaxLength(500);
            e.Property(x => x.Body).HasMaxLength(10_000);
            e.Property(x => x.LastError).HasMaxLength(2_000);
            e.HasIndex(x => x.TicketId);
        });
        modelBuilder.Entity<Call>(c =>
        {
            c.ToTable("Calls");
            c.HasKey(x => x.CallSid);
            c.Property(x => x.CallSid).HasMaxLength(64);
            c.Property(x => x.From).HasMaxLength(32);
            c.Property(x => x.To).HasMaxLength(32);
            c.Property(x => x.Transcript).HasMaxLength(4_000);
            c.Property(x => x.RecordingUrl).HasMaxLength(500);
            c.Property(x => x.CalledBackBy).HasMaxLength(100);
            c.HasIndex(x => new { x.Outcome, x.StartedAt });
            c.HasIndex(x => x.From);
        });
        modelBuilder.Entity<MessageTemplate>(t =>
        {
            t.ToTable("MessageTemplates");
            t.HasKey(x => x.Key);
            t.Property(x => x.Key).HasMaxLength(64);
            t.Property(x => x.Text).HasMaxLength(1_000);
            t.Property(x => x.UpdatedBy).HasMaxLength(100);
        });
    }
}

/// <summary>Runs Intake and Routing writes in one database transaction (same connection, Routing's transaction).</summary>
public static class SharedTransaction
{
    /// <summary>Saves an Intake row and the outbox message that will act on it, together.</summary>
    public static Task QueueAsync<TRow, TPayload>(RoutingDbContext routing, IntakeDbContext intake, TRow row, string topic,
        Func<TRow, TPayload> payload, Instant now, CancellationToken ct) where TRow : class =>
        RunAsync(routing, intake, async () =>
        {
            intake.Add(row);
            await intake.SaveChangesAsync(ct);
            OutboxWriter.Enqueue(routing, topic, payload(row), now);
            await routing.SaveChangesAsync(ct);
            return 0;
        }, ct);

    public static async Task<T> RunAsync<T>(RoutingDbContext routing, IntakeDbContext intake, Func<Task<T>> work, CancellationToken ct)
    {
        await routing.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await routing.Database.BeginTransactionAsync(ct);
            intake.Database.SetDbConnection(routing.Database.GetDbConnection());
            await intake.Database.UseTransactionAsync(transaction.GetDbTransaction(), ct);
            try
            {
                var result = await work();
                await transaction.CommitAsync(ct);
                return result;
            }
            finally
            {
                // The Intake context must not keep pointing at a finished transaction: a later query would fail.
                await intake.Database.UseTransactionAsync(null, ct);
            }
        }
        finally
        {
            await routing.Database.CloseConnectionAsync();
        }
    }
}
