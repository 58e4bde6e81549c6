using Hotline.Knowledge.Articles;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Knowledge.Storage;

/// <summary>Knowledge's tables: articles, their versions and the answers that cited them. Same database as the other modules; its own migrations history.</summary>
public sealed class KnowledgeDbContext(DbContextOptions<KnowledgeDbContext> options) : DbContext(options)
{
    public const string HistoryTable = "__KnowledgeMigrations";

    public DbSet<Article> Articles => Set<Article>();
    public DbSet<ArticleVersion> ArticleVersions => Set<ArticleVersion>();
    public DbSet<ArticleCitation> ArticleCitations => Set<ArticleCitation>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.UseHotlineConventions();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Article>(a =>
        {
            a.ToTable("Articles");
            a.HasKey(x => x.Id);
            a.Property(x => x.Title).HasMaxLength(200);
            a.Property(x => x.Body).HasMaxLength(50_000);
            a.Property(x => x.Category).HasMaxLength(100);
            a.Property(x => x.OwnerDepartmentId).HasMaxLength(64);
            a.Property(x => x.Keywords).HasMaxLength(500);
            a.Property(x => x.UpdatedBy).HasMaxLength(100);
            a.Property(x => x.Version).IsConcurrencyToken();
            a.HasIndex(x => new { x.Status, x.Category });
        });
        modelBuilder.Entity<ArticleVersion>(v =>
        {
            v.ToTable("ArticleVersions");
            v.HasKey(x => new { x.ArticleId, x.Version });
            v.Property(x => x.Title).HasMaxLength(200);
            v.Property(x => x.Body).HasMaxLength(50_000);
            v.Property(x => x.Category).HasMaxLength(100);
            v.Property(x => x.OwnerDepartmentId).HasMaxLength(64);
            v.Property(x => x.Keywords).HasMaxLength(500);
            v.Property(x => x.SavedBy).HasMaxLength(100);
        });
        modelBuilder.Entity<ArticleCitation>(c =>
        {
            c.ToTable("ArticleCitations");
            c.HasKey(x => x.EntryId);
            c.HasIndex(x => new { x.ArticleId, x.CitedAt });
        });
    }
}
