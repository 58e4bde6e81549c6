using Hotline.Routing.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;

namespace Hotline.Routing.Calendar;

/// <summary>
/// The working-day calendar built from the notices in the database. Cached for a minute, and rebuilt at once on this host when
/// an admin records a notice; other hosts pick it up within the minute.
/// </summary>
public sealed class CalendarProvider(IServiceScopeFactory scopes, IClock clock)
{
    private static readonly Duration CacheFor = Duration.FromMinutes(1);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (WorkingDayCalendar Calendar, Instant LoadedAt)? _cached;

    public async Task<WorkingDayCalendar> GetAsync(CancellationToken ct)
    {
        if (_cached is { } hit && clock.GetCurrentInstant() - hit.LoadedAt < CacheFor)
        {
            return hit.Calendar;
        }
        await _gate.WaitAsync(ct);
        try
        {
            if (_cached is { } again && clock.GetCurrentInstant() - again.LoadedAt < CacheFor)
            {
                return again.Calendar;
            }
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<RoutingDbContext>();
            var stored = await db.HolidayNotices.AsNoTracking().ToListAsync(ct);
            var calendar = new WorkingDayCalendar(stored.Select(s => NoticeJson.Deserialize(s.Json)));
            _cached = (calendar, clock.GetCurrentInstant());
            return calendar;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _cached = null;
}
