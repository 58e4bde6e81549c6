using Hotline.Host.Staff;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Hotline.Host.Storage;

/// <summary>The host's own tables: staff accounts and roles (ASP.NET Core Identity).</summary>
public sealed class HostDbContext(DbContextOptions<HostDbContext> options) : IdentityDbContext<StaffUser>(options)
{
    public const string HistoryTable = "__HostMigrations";

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<StaffUser>(user =>
        {
            user.Property(u => u.DisplayName).HasMaxLength(100);
            user.Property(u => u.DepartmentId).HasMaxLength(64);
        });
    }
}
