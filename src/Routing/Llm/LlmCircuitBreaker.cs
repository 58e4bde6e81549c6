using Microsoft.Extensions.Options;
using NodaTime;

namespace Hotline.Routing.Llm;

/// <summary>
/// Skips the language model for <see cref="LlmOptions.PauseSeconds"/> after <see cref="LlmOptions.FailuresBeforePause"/>
/// outages in a row, so that while it is down each ticket does not wait out the whole timeout before the offline ensemble
/// decides. Any answer from the server (even one the advisor then rejects) shows it is up and resets the count. When the pause
/// is over the next call goes through; if it fails too, the pause starts again at once. One per process (a singleton).
/// </summary>
/// <remarks>Polly's circuit breaker was weighed: it would add a package for two counters and a time.</remarks>
public sealed class LlmCircuitBreaker(IClock clock, IOptions<LlmOptions> options)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private Instant? _pausedUntil;

    /// <summary>When calls resume, while paused; null when the model may be called.</summary>
    public Instant? PausedUntil
    {
        get
        {
            lock (_gate)
            {
                return _pausedUntil is { } until && clock.GetCurrentInstant() < until ? until : null;
            }
        }
    }

    /// <summary>The server answered: it is up.</summary>
    public void RecordAnswer()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _pausedUntil = null;
        }
    }

    /// <summary>The server could not be reached, timed out or answered with an error; true when this starts a pause.</summary>
    public bool RecordOutage()
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_consecutiveFailures < options.Value.FailuresBeforePause)
            {
                return false;
            }
            _pausedUntil = clock.GetCurrentInstant() + Duration.FromSeconds(options.Value.PauseSeconds);
            return true;
        }
    }
}
