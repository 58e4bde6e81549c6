using System.Text;
using System.Text.Json;

namespace Hotline.Routing.Tickets;

/// <summary>
/// Top-level properties of a timeline entry's data, read without parsing the rest (a decision's data carries every member's
/// opinion after the few fields a reader wants).
/// </summary>
public static class EntryData
{
    /// <summary>A string property, or null when it is missing, not a string, or the data is not a JSON object.</summary>
    public static string? String(string? data, string property) =>
        Find(data, property, out var reader) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    /// <summary>Whether the property is there at all (null included): tells a field recorded as null from one not yet recorded.</summary>
    public static bool Has(string? data, string property) => Find(data, property, out _);

    /// <summary>Whether a property is the JSON literal <c>true</c>.</summary>
    public static bool IsTrue(string? data, string property) => Find(data, property, out var reader) && reader.TokenType == JsonTokenType.True;

    /// <summary>Moves <paramref name="reader"/> onto the property's value; false when there is none.</summary>
    private static bool Find(string? data, string property, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(data ?? ""));
        if (data is null || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(property);
            reader.Read();
            if (wanted)
            {
                return true;
            }
            reader.Skip();
        }
        return false;
    }
}
