using Hotline.Feedback.Appeals;
using Hotline.Feedback.Callbacks;
using Hotline.Feedback.History;
using Hotline.Feedback.Platform;
using Hotline.Feedback.Ratings;
using Hotline.Feedback.Rectification;
using Hotline.Knowledge.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Storage;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NodaTime;

namespace Hotline.Feedback.Storage;

/// <summary>
/// Feedback's tables: ratings, rectifications and their urges, appeals, callbacks, the append-only history, the signing key of
/// rating links and the audit of pushes to the 好差评 platform. Same database as Routing, its own migrations history
/// (<see cref="HistoryTable"/>); a change that also touches a ticket or the outbox runs in Routing's transaction
/// (<see cref="FeedbackTransaction"/>).
/// </summary>
public sealed class FeedbackDbContext(DbContextOptions<FeedbackDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__FeedbackMigrations";

    public DbSet<Rating> Ratings => Set<Rating>();
    public DbSet<RectificationRecord> Rectifications => Set<RectificationRecord>();
    public DbSet<RectificationUrge> RectificationUrges => Set<RectificationUrge>();
    public DbSet<Appeal> Appeals => Set<Appeal>();
    public DbSet<CallbackTask> Callbacks => Set<CallbackTask>();
    public DbSet<FeedbackHistoryEntry> History => Set<FeedbackHistoryEntry>();
    public DbSet<FeedbackKey> Keys => Set<FeedbackKey>();
    public DbSet<PlatformDelivery> PlatformDeliveries => Set<PlatformDelivery>();

    /// <summary>Saves; new history entries are numbered and hash-chained per ticket in the same transaction (<see cref="AuditChain"/>).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditChain.SaveAsync<FeedbackHistoryEntry>(this, AuditLogs.FeedbackHistory,
            ct => base.SaveChangesAsync(acceptAllChangesOnSuccess, ct), cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => AuditChain.HasNewEntries<FeedbackHistoryEntry>(this)
        ? throw new InvalidOperationException("Feedback history entries are chained in SaveChangesAsync only.")
        : base.SaveChanges(acceptAllChangesOnSuccess);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.UseHotlineConventions();
        configurationBuilder.Properties<TicketId>().HaveConversion<TicketIdConverter>();
        configurationBuilder.Properties<DepartmentId>().HaveConversion<DepartmentIdConverter>().HaveMaxLength(64);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Rating>(r =>
        {
            r.ToTable("Ratings");
            r.HasKey(x => x.Id);
            r.Property(x => x.TrackingCode).HasMaxLength(16);
            // The level is stored as its number (1–5), so averages and "level <= 2" are plain SQL for the statistics.
            r.Property(x => x.Level).HasConversion<int>();
            r.Property(x => x.Comment).HasMaxLength(1_000);
            r.Property(x => x.RecordedBy).HasMaxLength(100);
            r.Property(x => x.Evidence).HasMaxLength(500);
            // 一事一评: one rating per ticket and round, enforced by the database against two submissions at once.
            r.HasIndex(x => new { x.TicketId, x.Round }).IsUnique();
            r.HasIndex(x => new { x.DepartmentId, x.RatedAt });
            r.HasIndex(x => x.RatedAt);
        });
        modelBuilder.Entity<RectificationRecord>(x =>
        {
            x.ToTable("Rectifications");
            x.HasKey(r => r.Id);
            x.Property(r => r.TrackingCode).HasMaxLength(16);
            x.HasIndex(r => r.RatingId).IsUnique();
            x.HasIndex(r => r.TicketId);
            x.HasIndex(r => new { r.DepartmentId, r.Stage });
            x.Property(r => r.VerifyNote).HasMaxLength(2_000);
            x.Property(r => r.ClassifyNote).HasMaxLength(2_000);
            x.Property(r => r.Action).HasMaxLength(4_000);
            x.Property(r => r.Evidence).HasMaxLength(4_000);
            x.Property(r => r.ReportText).HasMaxLength(2_000);
            x.Property(r => r.ReviewNote).HasMaxLength(2_000);
            x.Property(r => r.Version).IsConcurrencyToken();
            x.Ignore(r => r.CurrentDueAt);
            x.Ignore(r => r.RectifiedOnTime);
        });
        modelBuilder.Entity<RectificationUrge>(u =>
        {
            u.ToTable("RectificationUrges");
            u.HasKey(x => x.Id);
            u.HasIndex(x => new { x.RectificationId, x.Step }).IsUnique();
        });
        modelBuilder.Entity<Appeal>(a =>
        {
            a.ToTable("Appeals");
            a.HasKey(x => x.Id);
            a.Property(x => x.TrackingCode).HasMaxLength(16);
            a.HasIndex(x => x.RatingId).IsUnique();
            a.HasIndex(x => x.Status);
            a.Property(x => x.Statement).HasMaxLength(4_000);
            a.Property(x => x.Evidence).HasMaxLength(4_000);
            a.Property(x => x.FiledBy).HasMaxLength(100);
            a.Property(x => x.DecidedBy).HasMaxLength(100);
            a.Property(x => x.DecisionReason).HasMaxLength(2_000);
            a.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<CallbackTask>(c =>
        {
            c.ToTable("Callbacks");
            c.HasKey(x => x.Id);
            c.Property(x => x.TrackingCode).HasMaxLength(16);
            c.HasIndex(x => x.CauseId).IsUnique();
            c.HasIndex(x => new { x.Status, x.QueuedAt });
            c.HasIndex(x => x.TicketId);
            c.Property(x => x.Notes).HasMaxLength(2_000);
            c.Property(x => x.CompletedBy).HasMaxLength(100);
            c.Property(x => x.Version).IsConcurrencyToken();
        });
        modelBuilder.Entity<FeedbackHistoryEntry>(h =>
        {
            h.ToTable("FeedbackHistory");
            h.HasKey(x => x.Id);
            h.HasIndex(x => new { x.SubjectId, x.At });
            h.HasIndex(x => x.TicketId);
            h.Property(x => x.ActorId).HasMaxLength(64);
            h.Property(x => x.ActorName).HasMaxLength(100);
            h.Property(x => x.ActorRole).HasMaxLength(32);
            h.Property(x => x.ActorDepartmentId).HasMaxLength(64);
            h.Property(x => x.DepartmentId).HasMaxLength(64);
            h.Property(x => x.Note).HasMaxLength(4_000);
            h.Property(x => x.Data).HasMaxLength(4_000);
            h.Ignore(x => x.ChainKey);
            h.HasIndex(x => new { x.TicketId, x.Sequence }).IsUnique();
            h.Property(x => x.Hash).HasMaxLength(HashChain.HexLength);
        });
        modelBuilder.Entity<FeedbackKey>(k =>
        {
            k.ToTable("FeedbackKeys");
            k.HasKey(x => x.Name);
            k.Property(x => x.Name).HasMaxLength(64);
            k.Property(x => x.Value).HasMaxLength(200);
        });
        modelBuilder.Entity<PlatformDelivery>(d =>
        {
            d.ToTable("PlatformDeliveries");
            d.HasKey(x => x.Id);
            d.Property(x => x.RecordType).HasMaxLength(32);
            d.Property(x => x.TrackingCode).HasMaxLength(16);
            d.Property(x => x.Endpoint).HasMaxLength(500);
            d.Property(x => x.Detail).HasMaxLength(500);
            d.Property(x => x.PayloadSha256).HasMaxLength(64);
            d.Property(x => x.Payload).HasMaxLength(8_000);
            d.HasIndex(x => new { x.RecordId, x.Attempt }).IsUnique();
            d.HasIndex(x => x.AttemptedAt);
            d.HasIndex(x => x.TicketId);
        });
    }
}

/// <summary>A secret Feedback generates on first run (the key rating links are signed with), shared by every host of the database.</summary>
public sealed class FeedbackKey
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
    public Instant CreatedAt { get; init; }
}

/// <summary>Runs Feedback and Routing writes (a rating and its ticket timeline entry, outbox messages) in one transaction.</summary>
public static class FeedbackTransaction
{
    /// <summary>
    /// Runs <paramref name="work"/> on Routing's connection and transaction: joins the caller's transaction when one is open (an
    /// inbound SMS that Intake is already recording), otherwise opens one and commits only when <paramref name="work"/> returns
    /// without an error — an expected failure after a partial write rolls everything back.
    /// </summary>
    public static async Task<Result<T>> RunAsync<T>(RoutingDbContext routing, FeedbackDbContext feedback, Func<Task<Result<T>>> work,
        CancellationToken ct)
    {
        if (routing.Database.CurrentTransaction is { } outer)
        {
            await JoinAsync(feedback, routing, outer, ct);
            try
            {
                return await work();
            }
            finally
            {
                await feedback.Database.UseTransactionAsync(null, ct);
            }
        }
        await routing.Database.OpenConnectionAsync(ct);
        try
        {
            await using var transaction = await routing.Database.BeginTransactionAsync(ct);
            await JoinAsync(feedback, routing, transaction, ct);
            try
            {
                var result = await work();
                if (result.Error is null)
                {
                    await transaction.CommitAsync(ct);
                }
                else
                {
                    await transaction.RollbackAsync(ct);
                    routing.ChangeTracker.Clear();
                    feedback.ChangeTracker.Clear();
                }
                return result;
            }
            finally
            {
                // The Feedback context must not keep pointing at a finished transaction: a later query would fail.
                await feedback.Database.UseTransactionAsync(null, ct);
            }
        }
        finally
        {
            await routing.Database.CloseConnectionAsync();
        }
    }

    private static async Task JoinAsync(FeedbackDbContext feedback, RoutingDbContext routing, IDbContextTransaction transaction,
        CancellationToken ct)
    {
        if (!ReferenceEquals(feedback.Database.GetDbConnection(), routing.Database.GetDbConnection()))
        {
            feedback.Database.SetDbConnection(routing.Database.GetDbConnection());
        }
        await feedback.Database.UseTransactionAsync(transaction.GetDbTransaction(), ct);
    }
}
