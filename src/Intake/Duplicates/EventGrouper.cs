using NodaTime;

namespace Hotline.Intake.Duplicates;

/// <summary>One citizen's report as event grouping sees it.</summary>
/// <param name="Id">The caller's id (a ticket id as text); unique within one grouper.</param>
/// <param name="Text">What the citizen reported.</param>
/// <param name="Area">Where, as the caller normalises it (a street or district code); null when unknown.</param>
/// <param name="Time">When it was received.</param>
public sealed record Report(string Id, string Text, string? Area, Instant Time)
{
    /// <summary>The one-line summary (标题), if any; it weighs more than the text (<see cref="TextSimilarity.TitleWeight"/>).</summary>
    public string? Title { get; init; }
}

/// <summary>Where <see cref="EventGrouper.Add"/> put a report.</summary>
/// <param name="ReportId">The report's <see cref="Report.Id"/>.</param>
/// <param name="EventId">The event it joined, or its own id when it starts a new one.</param>
/// <param name="MatchedReportId">The earlier report it was most similar to; null when it starts a new event.</param>
/// <param name="Score">Its similarity to <paramref name="MatchedReportId"/>; 0 when it starts a new event.</param>
public sealed record EventAssignment(string ReportId, string EventId, string? MatchedReportId, double Score)
{
    public bool StartsEvent => MatchedReportId is null;
}

/// <summary>One event and the reports of it, in the order they were added.</summary>
/// <param name="Id">The id of its first report: stable, an event never changes id when reports join it.</param>
/// <param name="Area">The first known area of its reports; null when none had one.</param>
/// <param name="FirstReportedAt">When its earliest report was received.</param>
/// <param name="LastReportedAt">When its latest report was received.</param>
/// <param name="ReportIds">Its reports' ids, the first being <paramref name="Id"/>.</param>
public sealed record ReportEvent(string Id, string? Area, Instant FirstReportedAt, Instant LastReportedAt, IReadOnlyList<string> ReportIds)
{
    public int Count => ReportIds.Count;
}

/// <summary>
/// Many citizens, same event: groups reports so that supervisors see one event with N reports. A new report joins the event of the
/// earlier report it is most similar to, if that similarity reaches <see cref="DuplicateOptions.EventThreshold"/>, the two were
/// received within <see cref="DuplicateOptions.EventWindow"/> of each other, and their areas agree (an unknown area agrees with
/// any; a known one must equal both the matched report's and the event's). Otherwise it starts an event of its own.
/// <para>
/// This is nearest-neighbour assignment, not full single-link clustering: a report that resembles two events joins the closer one
/// and does not fuse them. Events therefore never merge and their ids never change once shown to a supervisor, and a chain of
/// loosely similar reports cannot snowball into one giant event. Scores are accumulated from an inverted index over bigrams whose
/// lists drop reports as they leave the window: adding a report reads one posting per bigram it shares with an in-window report,
/// instead of comparing whole texts with every report (on the TipDM messages, 18 million postings instead of 1.4 billion steps).
/// </para>
/// <para>
/// Add reports in the order they were received. A report timed earlier than the newest one minus the window is compared only with
/// the reports still in the index. Not thread-safe; pure otherwise (no clock, no I/O).
/// </para>
/// </summary>
public sealed class EventGrouper
{
    private readonly TermStatistics _statistics;
    private readonly DuplicateOptions _options;
    private readonly List<Entry> _entries = [];
    private readonly List<EventState> _events = [];
    private readonly Dictionary<string, PostingList> _postings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ids = new(StringComparer.Ordinal);
    private readonly List<int> _touched = [];
    private double[] _accumulator = new double[64];
    private Instant? _newest;

    /// <summary>A grouper weighing bigrams by <paramref name="statistics"/> (those of recent tickets; see <see cref="TermStatistics"/>).</summary>
    public EventGrouper(TermStatistics statistics, DuplicateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        _statistics = statistics;
        _options = options ?? new DuplicateOptions();
    }

    /// <summary>How many (new report, earlier report) pairs sharing a bigram within the window were scored so far.</summary>
    internal long PairsScored { get; private set; }

    /// <summary>How many postings were read so far: the work of scoring, one step per bigram a pair shares.</summary>
    internal long PostingsRead { get; private set; }

    /// <summary>The events so far, in the order they started.</summary>
    public IReadOnlyList<ReportEvent> Events =>
        [.. _events.Select(e => new ReportEvent(e.Id, e.Area, e.First, e.Last, [.. e.ReportIds]))];

    /// <summary>
    /// Groups a batch: the statistics are counted over the batch itself unless given, and reports are added in time order (input
    /// order among equal times).
    /// </summary>
    public static IReadOnlyList<ReportEvent> Group(IEnumerable<Report> reports, DuplicateOptions? options = null,
        TermStatistics? statistics = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var ordered = reports.OrderBy(r => r.Time).ToList();
        // Each text is split once: its counts serve both the statistics and its profile.
        var counts = ordered.Select(r => TextProfile.Count(r.Text, r.Title)).ToList();
        statistics ??= TermStatistics.FromTermSets(counts.Select(c => c.Keys));
        var grouper = new EventGrouper(statistics, options);
        for (var i = 0; i < ordered.Count; i++)
        {
            grouper.AddProfiled(ordered[i], TextProfile.FromCounts(counts[i], statistics));
        }
        return grouper.Events;
    }

    /// <summary>Puts <paramref name="report"/> into an existing event or a new one, and says which.</summary>
    /// <exception cref="ArgumentException">A report with this id was added before.</exception>
    public EventAssignment Add(Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return AddProfiled(report, TextProfile.Of(report.Text, report.Title, _statistics));
    }

    private EventAssignment AddProfiled(Report report, TextProfile profile)
    {
        if (!_ids.Add(report.Id))
        {
            throw new ArgumentException($"Report {report.Id} was already added.", nameof(report));
        }
        _newest = _newest is { } newest && newest > report.Time ? newest : report.Time;
        var horizon = _newest.Value - _options.EventWindow;

        var (best, bestScore) = (-1, 0.0);
        if (!profile.IsEmpty)
        {
            Accumulate(profile, report.Time.ToUnixTimeTicks(), horizon.ToUnixTimeTicks());
            PairsScored += _touched.Count;
            foreach (var index in _touched)
            {
                var score = Math.Min(_accumulator[index], 1.0);
                _accumulator[index] = 0;
                var candidate = _entries[index];
                if (score < _options.EventThreshold || !Agrees(report.Area, candidate.Area)
                    || !Agrees(report.Area, _events[candidate.Event].Area))
                {
                    continue;
                }
                if (best < 0 || score > bestScore || (score == bestScore && candidate.Time > _entries[best].Time))
                {
                    (best, bestScore) = (index, score);
                }
            }
            _touched.Clear();
        }

        int eventIndex;
        if (best >= 0)
        {
            eventIndex = _entries[best].Event;
            var state = _events[eventIndex];
            state.ReportIds.Add(report.Id);
            state.Area ??= report.Area;
            state.First = state.First < report.Time ? state.First : report.Time;
            state.Last = state.Last > report.Time ? state.Last : report.Time;
        }
        else
        {
            eventIndex = _events.Count;
            _events.Add(new EventState(report.Id, report.Area, report.Time));
        }

        var entryIndex = _entries.Count;
        var ticks = report.Time.ToUnixTimeTicks();
        _entries.Add(new Entry(report.Id, report.Time, report.Area, eventIndex));
        if (_accumulator.Length < _entries.Count)
        {
            Array.Resize(ref _accumulator, _accumulator.Length * 2);
        }
        for (var i = 0; i < profile.Terms.Length; i++)
        {
            if (!_postings.TryGetValue(profile.Terms[i], out var list))
            {
                list = new PostingList();
                _postings.Add(profile.Terms[i], list);
            }
            list.Items.Add(new Posting(entryIndex, profile.Weights[i], ticks));
        }

        return best >= 0
            ? new EventAssignment(report.Id, _events[eventIndex].Id, _entries[best].Id, bestScore)
            : new EventAssignment(report.Id, report.Id, null, 0);
    }

    /// <summary>Adds each in-window report's share of the cosine into the accumulator (both profiles are unit vectors).</summary>
    private void Accumulate(TextProfile profile, long ticks, long horizonTicks)
    {
        var window = _options.EventWindow.BclCompatibleTicks;
        for (var i = 0; i < profile.Terms.Length; i++)
        {
            if (!_postings.TryGetValue(profile.Terms[i], out var list))
            {
                continue;
            }
            var items = list.Items;
            // Reports arrive in time order, so the ones that left the window are at the front of every list.
            while (list.Start < items.Count && items[list.Start].Ticks < horizonTicks)
            {
                list.Start++;
            }
            if (list.Start > 256 && list.Start > items.Count / 2)
            {
                items.RemoveRange(0, list.Start);
                list.Start = 0;
            }
            var weight = profile.Weights[i];
            for (var k = list.Start; k < items.Count; k++)
            {
                var posting = items[k];
                if (Math.Abs(posting.Ticks - ticks) > window)
                {
                    continue;
                }
                PostingsRead++;
                if (_accumulator[posting.Entry] == 0)
                {
                    _touched.Add(posting.Entry);
                }
                _accumulator[posting.Entry] += weight * posting.Weight;
            }
        }
    }

    private static bool Agrees(string? area, string? other) => area is null || other is null || area == other;

    private sealed record Entry(string Id, Instant Time, string? Area, int Event);

    private readonly record struct Posting(int Entry, double Weight, long Ticks);

    private sealed class PostingList
    {
        public List<Posting> Items { get; } = [];
        public int Start { get; set; }
    }

    private sealed class EventState(string id, string? area, Instant time)
    {
        public string Id { get; } = id;
        public string? Area { get; set; } = area;
        public Instant First { get; set; } = time;
        public Instant Last { get; set; } = time;
        public List<string> ReportIds { get; } = [id];
    }
}
