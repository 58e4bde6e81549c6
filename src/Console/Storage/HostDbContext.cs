using Hotline.Host.Live;
using Hotline.Host.Staff;
using Hotline.Knowledge.Storage;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Storage;

/// <summary>The host's own tables: staff accounts and roles (ASP.NET Core Identity), and the live console's recent events.</summary>
public sealed class HostDbContext(DbContextOptions<HostDbContext> options) : IdentityDbContext<StaffUser>(options)
{
    public const string HistoryTable = "__HostMigrations";

    public DbSet<ConsoleEvent> ConsoleEvents => Set<ConsoleEvent>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<StaffUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(100);
            user.Property(u => u.DepartmentId).HasMaxLength(64);
        });
        builder.Entity<ConsoleEvent>(e =>
        {
            e.HasKey(x => x.Sequence);
            e.Property(x => x.Sequence).ValueGeneratedOnAdd();
            e.HasIndex(x => x.SourceId).IsUnique();
            e.HasIndex(x => x.CreatedAt);
            e.Property(x => x.Method).HasMaxLength(32);
            e.Property(x => x.Roles).HasMaxLength(200);
            e.Property(x => x.Departments).HasMaxLength(2000);
            e.Property(x => x.At).HasConversion<InstantConverter>();
            e.Property(x => x.CreatedAt).HasConversion<InstantConverter>();
        });
    }
}
