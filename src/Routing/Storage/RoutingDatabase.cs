using Hotline.Routing.Calendar;
using Microsoft.EntityFrameworkCore;
using NodaTime;

namespace Hotline.Routing.Storage;

/// <summary>Creates or upgrades Routing's schema and seeds the reference data every installation needs.</summary>
public static class RoutingDatabase
{
    public static async Task MigrateAsync(RoutingDbContext db, IClock clock, CancellationToken ct)
    {
        await db.Database.MigrateAsync(ct);
        await Audit.AuditSeal.SealRoutingAsync(db, ct);
        var known = await db.HolidayNotices.Select(n => n.Year).ToListAsync(ct);
        foreach (var notice in NoticeJson.BuiltIn().Where(n => !known.Contains(n.Year)))
        {
            db.HolidayNotices.Add(new HolidayNoticeRecord
            {
                Year = notice.Year,
                Json = NoticeJson.Serialize(notice),
                UpdatedAt = clock.GetCurrentInstant(),
                UpdatedBy = "内置数据",
            });
        }
        await db.SaveChangesAsync(ct);
    }
}
