using Microsoft.EntityFrameworkCore;

namespace Hotline.Intake.Storage;

/// <summary>Creates or upgrades Intake's tables.</summary>
public static class IntakeDatabase
{
    public static Task MigrateAsync(IntakeDbContext db, CancellationToken ct) => db.Database.MigrateAsync(ct);
}
