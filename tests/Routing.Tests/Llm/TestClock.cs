using NodaTime;

namespace Hotline.Routing.Tests.Llm;

/// <summary>A clock the test moves by hand (NodaTime.Testing is not in this registry).</summary>
internal sealed class TestClock(Instant start) : IClock
{
    private Instant _now = start;

    public Instant GetCurrentInstant() => _now;

    public void Advance(Duration by) => _now += by;
}
