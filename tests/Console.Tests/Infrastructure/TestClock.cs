using NodaTime;

namespace Hotline.Console.Tests.Infrastructure;

/// <summary>A clock the test moves by hand (NodaTime.Testing is not in this registry).</summary>
public sealed class TestClock(Instant start) : IClock
{
    private long _ticks = start.ToUnixTimeTicks();

    public Instant GetCurrentInstant() => Instant.FromUnixTimeTicks(Interlocked.Read(ref _ticks));

    public void Advance(Duration by) => Interlocked.Add(ref _ticks, by.BclCompatibleTicks);

    public void Set(Instant to) => Interlocked.Exchange(ref _ticks, to.ToUnixTimeTicks());

    /// <summary>A local (Asia/Shanghai) time as an instant.</summary>
    public static Instant Shanghai(int year, int month, int day, int hour = 9, int minute = 0) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Asia/Shanghai"]).ToInstant();
}
