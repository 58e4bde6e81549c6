using System.Globalization;
using System.Reflection;
using System.Text.Json;
using NodaTime;
using NodaTime.Text;

namespace Hotline.Routing.Calendar;

/// <summary>
/// The JSON shape of a holiday notice, used by the built-in seed file, the database and the admin API alike, so an admin enters a
/// new year exactly as the shipped years are written.
/// </summary>
public sealed record NoticeDocument(
    int Year,
    string Title,
    string? Source,
    IReadOnlyList<PeriodDocument> Holidays,
    IReadOnlyList<string> WorkingWeekendDays);

public sealed record PeriodDocument(string Name, string From, string To);

public static class NoticeJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    /// <summary>The notices shipped with Hotline (2024–2026), seeded into a new database.</summary>
    public static IReadOnlyList<HolidayNotice> BuiltIn()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Hotline.Routing.Calendar.holiday-notices.json")
            ?? throw new InvalidOperationException("The built-in holiday notices resource is missing from the build.");
        var documents = JsonSerializer.Deserialize<List<NoticeDocument>>(stream, Options) ?? [];
        return [.. documents.Select(d => ToNotice(d, out _)!)];
    }

    public static string Serialize(HolidayNotice notice) => JsonSerializer.Serialize(ToDocument(notice), Options);

    public static HolidayNotice Deserialize(string json) =>
        ToNotice(JsonSerializer.Deserialize<NoticeDocument>(json, Options)!, out _)
        ?? throw new InvalidDataException("A stored holiday notice is not valid.");

    public static NoticeDocument ToDocument(HolidayNotice notice) => new(
        notice.Year,
        notice.Title,
        notice.Source,
        [.. notice.Holidays.Select(h => new PeriodDocument(h.Name, Format(h.From), Format(h.To)))],
        [.. notice.WorkingWeekendDays.Select(Format)]);

    /// <summary>Converts a document to a notice, or returns null with the field errors when a date does not parse.</summary>
    public static HolidayNotice? ToNotice(NoticeDocument document, out Dictionary<string, string[]> errors)
    {
        errors = [];
        var bad = new List<string>();
        var holidays = new List<HolidayPeriod>();
        foreach (var period in document.Holidays ?? [])
        {
            var from = Parse(period.From, bad);
            var to = Parse(period.To, bad);
            if (from is { } f && to is { } t)
            {
                holidays.Add(new HolidayPeriod(period.Name ?? "", f, t));
            }
        }
        var working = new List<LocalDate>();
        foreach (var text in document.WorkingWeekendDays ?? [])
        {
            if (Parse(text, bad) is { } d)
            {
                working.Add(d);
            }
        }
        if (bad.Count > 0)
        {
            errors["dates"] = [.. bad];
            return null;
        }
        return new HolidayNotice(document.Year, document.Title ?? "", holidays, working, document.Source);
    }

    public static string Format(LocalDate date) => LocalDatePattern.Iso.Format(date);

    private static LocalDate? Parse(string? text, List<string> bad)
    {
        var result = LocalDatePattern.Iso.Parse(text ?? "");
        if (result.Success)
        {
            return result.Value;
        }
        bad.Add(string.Format(CultureInfo.InvariantCulture, "「{0}」不是 yyyy-MM-dd 格式的日期。", text));
        return null;
    }
}
