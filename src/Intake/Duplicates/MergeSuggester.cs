using NodaTime;

namespace Hotline.Intake.Duplicates;

/// <summary>A citizen's new contact (a call, a text, a web form) as the agent registers it.</summary>
/// <param name="Text">What the citizen says or wrote.</param>
/// <param name="ReceivedAt">When it arrived; ages in the reasons are counted back from here.</param>
public sealed record NewContact(string Text, Instant ReceivedAt)
{
    /// <summary>The one-line summary (标题), if there is one; it weighs more than the text (<see cref="TextSimilarity.TitleWeight"/>).</summary>
    public string? Title { get; init; }
}

/// <summary>One of the same citizen's tickets still open, a candidate to merge the new contact into.</summary>
/// <param name="Id">The caller's ticket id, as text.</param>
/// <param name="Text">The ticket's content.</param>
/// <param name="ReceivedAt">When the ticket was received.</param>
public sealed record OpenTicket(string Id, string Text, Instant ReceivedAt)
{
    public string? Title { get; init; }
}

/// <summary>An open ticket the new contact is probably about, with why, for the agent to confirm or ignore.</summary>
/// <param name="TicketId">The <see cref="OpenTicket.Id"/>.</param>
/// <param name="Score">Similarity in [0, 1].</param>
/// <param name="Reason">One Chinese sentence for the agent: how old the ticket is, how alike, and what both mention.</param>
public sealed record MergeSuggestion(string TicketId, double Score, string Reason);

/// <summary>
/// Same citizen, same matter (并单): ranks the citizen's open tickets by similarity to their new contact and offers those at or
/// above <see cref="DuplicateOptions.MergeThreshold"/>. A suggestion only: the agent decides, because "楼上漏水" twice from one
/// caller may be the same leak or a second one. Pure: the tickets and times come in, nothing is read or written.
/// </summary>
public static class MergeSuggester
{
    /// <summary>
    /// The open tickets worth merging the contact into, best first (ties: the more recent ticket first), at most
    /// <see cref="DuplicateOptions.MaxMergeSuggestions"/>. Pass the <paramref name="statistics"/> of recent tickets when there are
    /// any (<see cref="TermStatistics.From"/>); without them every bigram weighs the same.
    /// </summary>
    public static IReadOnlyList<MergeSuggestion> Suggest(NewContact contact, IEnumerable<OpenTicket> openTickets,
        TermStatistics? statistics = null, DuplicateOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(openTickets);
        statistics ??= TermStatistics.Empty;
        options ??= new DuplicateOptions();
        var profile = TextProfile.Of(contact.Text, contact.Title, statistics);
        if (profile.IsEmpty)
        {
            return [];
        }
        return openTickets
            .Select(ticket => (Ticket: ticket, Profile: TextProfile.Of(ticket.Text, ticket.Title, statistics)))
            .Select(c => (c.Ticket, c.Profile, Score: TextSimilarity.Score(profile, c.Profile)))
            .Where(c => c.Score >= options.MergeThreshold)
            .OrderByDescending(c => c.Score)
            .ThenByDescending(c => c.Ticket.ReceivedAt)
            .Take(options.MaxMergeSuggestions)
            .Select(c => new MergeSuggestion(c.Ticket.Id, c.Score, Reason(contact, c.Ticket, c.Profile, c.Score, statistics)))
            .ToList();
    }

    private static string Reason(NewContact contact, OpenTicket ticket, TextProfile ticketProfile, double score, TermStatistics statistics)
    {
        var alike = score >= 0.9 ? "内容几乎相同" : $"内容相近（相似度 {TextSimilarity.Format(score)}）";
        var phrases = TextSimilarity.SharedPhrases(contact.Title, contact.Text, ticketProfile, statistics, 3);
        var mentions = phrases.Count == 0 ? "" : "，都提到" + string.Concat(phrases.Select(p => $"“{p}”"));
        return $"与{Age(contact.ReceivedAt - ticket.ReceivedAt)}登记的未办结工单{alike}{mentions}。";
    }

    private static string Age(Duration age)
    {
        if (age < Duration.FromMinutes(1))
        {
            return "刚刚";
        }
        if (age < Duration.FromHours(1))
        {
            return $" {(int)age.TotalMinutes} 分钟前";
        }
        return age < Duration.FromHours(48) ? $" {(int)age.TotalHours} 小时前" : $" {(int)age.TotalDays} 天前";
    }
}
