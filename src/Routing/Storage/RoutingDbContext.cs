using Hotline.Knowledge.Storage;
using Hotline.Routing.Audit;
using Hotline.Routing.Catalogue;
using Hotline.Routing.Departments;
using Hotline.Routing.Engine;
using Hotline.Routing.Outbox;
using Hotline.Routing.Supervision;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Storage;

/// <summary>
/// Routing's tables: tickets and their timeline, departments and areas, the holiday notices, the outbox and the personal-data
/// access log. The schema is created by hand-written migrations in <c>Storage/Migrations</c> (the EF design-time package is not in
/// this registry); column types are left to each provider, so one migration serves SQLite and PostgreSQL.
/// </summary>
public sealed class RoutingDbContext(DbContextOptions<RoutingDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__RoutingMigrations";

    public DbSet<Ticket> Tickets => Set<Ticket>();
    public DbSet<CoHandler> CoHandlers => Set<CoHandler>();
    public DbSet<TimelineEntry> Timeline => Set<TimelineEntry>();
    public DbSet<Department> Departments => Set<Department>();
    public DbSet<Area> Areas => Set<Area>();
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<HolidayNoticeRecord> HolidayNotices => Set<HolidayNoticeRecord>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<OutboxDelivery> OutboxDeliveries => Set<OutboxDelivery>();
    public DbSet<PersonalDataAccess> PersonalDataAccess => Set<PersonalDataAccess>();
    public DbSet<TrainingExample> TrainingExamples => Set<TrainingExample>();
    public DbSet<RoutingModel> RoutingModels => Set<RoutingModel>();
    public DbSet<CatalogueEntry> Catalogue => Set<CatalogueEntry>();
    public DbSet<AuditChainHead> AuditChainHeads => Set<AuditChainHead>();
    public DbSet<BackgroundLease> BackgroundLeases => Set<BackgroundLease>();

    /// <summary>Saves; new personal-data access entries are numbered and hash-chained in the same transaction (<see cref="AuditChain"/>).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default) =>
        AuditChain.SaveAsync<PersonalDataAccess>(this, AuditLogs.PersonalDataAccess,
            ct => base.SaveChangesAsync(acceptAllChangesOnSuccess, ct), cancellationToken);

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => AuditChain.HasNewEntries<PersonalDataAccess>(this)
        ? throw new InvalidOperationException("Personal-data access entries are chained in SaveChangesAsync only.")
        : base.SaveChanges(acceptAllChangesOnSuccess);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.UseHotlineConventions();
        configurationBuilder.Properties<TicketId>().HaveConversion<TicketIdConverter>();
        configurationBuilder.Properties<DepartmentId>().HaveConversion<DepartmentIdConverter>().HaveMaxLength(64);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Ticket>(ticket =>
        {
            ticket.ToTable("Tickets");
            ticket.HasKey(t => t.Id);
            ticket.Ignore(t => t.NewTimelineEntries);
            ticket.Ignore(t => t.IsOpen);
            ticket.Property(t => t.TrackingCode).HasMaxLength(16);
            ticket.HasIndex(t => t.TrackingCode).IsUnique();
            ticket.Property(t => t.CitizenPhone).HasMaxLength(32);
            ticket.HasIndex(t => t.CitizenPhone);
            ticket.Property(t => t.CitizenName).HasMaxLength(50);
            ticket.Property(t => t.Title).HasMaxLength(200);
            ticket.Property(t => t.Content).HasMaxLength(10_000);
            ticket.Property(t => t.Address).HasMaxLength(500);
            ticket.Property(t => t.CategoryId).HasMaxLength(64);
            ticket.Property(t => t.AreaId).HasMaxLength(64);
            ticket.Property(t => t.PublicReply).HasMaxLength(10_000);
            ticket.Property(t => t.PendingExtensionReason).HasMaxLength(2_000);
            ticket.Property(t => t.IntakeKey).HasMaxLength(200);
            ticket.Property(t => t.IntakeFingerprint).HasMaxLength(64);
            ticket.HasIndex(t => t.IntakeKey).IsUnique();
            ticket.Property(t => t.Attachments)
                .HasConversion(new AttachmentListConverter(), new AttachmentListComparer());
            ticket.Property(t => t.Version).IsConcurrencyToken();
            ticket.Property(t => t.TimelineHash).HasMaxLength(HashChain.HexLength);
            ticket.HasIndex(t => new { t.State, t.LeadDepartmentId });
            ticket.HasIndex(t => t.ReceivedAt);
            ticket.HasMany(t => t.CoHandlers).WithOne().HasForeignKey(c => c.TicketId);
        });
        modelBuilder.Entity<CoHandler>(co =>
        {
            co.ToTable("TicketCoHandlers");
            co.HasKey(c => new { c.TicketId, c.DepartmentId });
            co.HasIndex(c => c.DepartmentId);
        });
        modelBuilder.Entity<TimelineEntry>(entry =>
        {
            entry.ToTable("TicketTimeline");
            entry.HasKey(e => e.Id);
            entry.HasIndex(e => new { e.TicketId, e.Sequence }).IsUnique();
            entry.Property(e => e.ActorId).HasMaxLength(64);
            entry.Property(e => e.ActorName).HasMaxLength(100);
            entry.Property(e => e.ActorRole).HasMaxLength(32);
            entry.Property(e => e.ActorDepartmentId).HasMaxLength(64);
            entry.Property(e => e.Note).HasMaxLength(10_000);
            entry.Property(e => e.PublicText).HasMaxLength(10_000);
            entry.Property(e => e.Hash).HasMaxLength(HashChain.HexLength);
        });
        modelBuilder.Entity<Department>(dept =>
        {
            dept.ToTable("Departments");
            dept.HasKey(d => d.Id);
            dept.Property(d => d.Name).HasMaxLength(100);
            dept.Property(d => d.AreaId).HasMaxLength(64);
            dept.Property(d => d.Email).HasMaxLength(200);
            dept.Property(d => d.Remit).HasMaxLength(4_000);
        });
        modelBuilder.Entity<Area>(area =>
        {
            area.ToTable("Areas");
            area.HasKey(a => a.Id);
            area.Property(a => a.Id).HasMaxLength(64);
            area.Property(a => a.Name).HasMaxLength(100);
            area.Property(a => a.ParentId).HasMaxLength(64);
        });
        modelBuilder.Entity<Category>(category =>
        {
            category.ToTable("Categories");
            category.HasKey(c => c.Id);
            category.Property(c => c.Id).HasMaxLength(64);
            category.Property(c => c.Name).HasMaxLength(100);
        });
        modelBuilder.Entity<HolidayNoticeRecord>(notice =>
        {
            notice.ToTable("HolidayNotices");
            notice.HasKey(n => n.Year);
            notice.Property(n => n.Year).ValueGeneratedNever();
            notice.Property(n => n.UpdatedBy).HasMaxLength(100);
        });
        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("Outbox");
            message.HasKey(m => m.Id);
            message.Property(m => m.Topic).HasMaxLength(100);
            message.Property(m => m.ClaimedBy).HasMaxLength(100);
            message.HasIndex(m => new { m.DeliveredAt, m.NextAttemptAt });
        });
        modelBuilder.Entity<BackgroundLease>(lease =>
        {
            lease.ToTable("BackgroundLeases");
            lease.HasKey(l => l.Name);
            lease.Property(l => l.Name).HasMaxLength(100);
            lease.Property(l => l.Holder).HasMaxLength(200);
        });
        modelBuilder.Entity<OutboxDelivery>(delivery =>
        {
            delivery.ToTable("OutboxDeliveries");
            delivery.HasKey(d => new { d.MessageId, d.Handler });
            delivery.Property(d => d.Handler).HasMaxLength(100);
        });
        modelBuilder.Entity<TrainingExample>(example =>
        {
            example.ToTable("TrainingExamples");
            example.HasKey(e => e.Id);
            example.Property(e => e.Text).HasMaxLength(TrainingExample.MaxTextLength);
            example.Property(e => e.Label).HasMaxLength(100);
            example.HasIndex(e => new { e.TicketId, e.Source }).IsUnique();
        });
        modelBuilder.Entity<RoutingModel>(model =>
        {
            model.ToTable("RoutingModels");
            model.HasKey(m => m.Version);
            model.Property(m => m.Version).HasMaxLength(64);
            model.Property(m => m.HeldBackReason).HasMaxLength(500);
            model.Property(m => m.ExamplesDigest).HasMaxLength(64);
        });
        modelBuilder.Entity<CatalogueEntry>(entry =>
        {
            entry.ToTable("CatalogueEntries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Name).HasMaxLength(100);
            entry.HasIndex(e => e.Name).IsUnique();
            entry.Property(e => e.CategoryId).HasMaxLength(64);
            entry.Property(e => e.Keywords).HasConversion(new StringListConverter(), new StringListComparer());
            entry.Property(e => e.AreaId).HasMaxLength(64);
            entry.Property(e => e.Remit).HasMaxLength(2_000);
            entry.Property(e => e.UpdatedBy).HasMaxLength(100);
            entry.Property(e => e.Version).IsConcurrencyToken();
            entry.Ignore(e => e.EffectiveUnitKind);
        });
        modelBuilder.Entity<PersonalDataAccess>(access =>
        {
            access.ToTable("PersonalDataAccess");
            access.HasKey(a => a.Id);
            access.Property(a => a.StaffId).HasMaxLength(64);
            access.Property(a => a.StaffName).HasMaxLength(100);
            access.Property(a => a.StaffRole).HasMaxLength(32);
            access.Property(a => a.Purpose).HasMaxLength(500);
            access.HasIndex(a => a.TicketId);
            access.Ignore(a => a.ChainKey);
            access.HasIndex(a => a.Sequence).IsUnique();
            access.Property(a => a.Hash).HasMaxLength(HashChain.HexLength);
        });
        modelBuilder.Entity<AuditChainHead>(head =>
        {
            head.ToTable("AuditChainHeads");
            head.HasKey(h => new { h.Log, h.ChainKey });
            head.Property(h => h.Log).HasMaxLength(64);
            head.Property(h => h.ChainKey).HasMaxLength(64);
            head.Property(h => h.Hash).HasMaxLength(HashChain.HexLength);
        });
    }
}

/// <summary>A holiday notice as stored: the whole notice as JSON, keyed by year.</summary>
public sealed class HolidayNoticeRecord
{
    public int Year { get; set; }
    public string Json { get; set; } = "";
    public Instant UpdatedAt { get; set; }
    public string UpdatedBy { get; set; } = "";
}
