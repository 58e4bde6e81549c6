using System.Text.Json;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Hotline.Routing.Storage;

public sealed class TicketIdConverter() : ValueConverter<TicketId, Guid>(id => id.Value, value => new TicketId(value));

public sealed class DepartmentIdConverter() : ValueConverter<DepartmentId, string>(id => id.Value, value => new DepartmentId(value));

/// <summary>Attachment metadata is a small list read with its ticket: one JSON column is simpler than a table.</summary>
public sealed class AttachmentListConverter() : ValueConverter<List<AttachmentInfo>, string>(
    list => JsonSerializer.Serialize(list, JsonSerializerOptions.Default),
    json => JsonSerializer.Deserialize<List<AttachmentInfo>>(json, JsonSerializerOptions.Default) ?? new List<AttachmentInfo>());

public sealed class AttachmentListComparer() : ValueComparer<List<AttachmentInfo>>(
    (a, b) => a!.SequenceEqual(b!),
    list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode())),
    list => list.ToList());

/// <summary>A short list of words (a catalogue entry's keywords) as one JSON column: read and written with its entry.</summary>
public sealed class StringListConverter() : ValueConverter<List<string>, string>(
    list => JsonSerializer.Serialize(list, JsonSerializerOptions.Default),
    json => JsonSerializer.Deserialize<List<string>>(json, JsonSerializerOptions.Default) ?? new List<string>());

public sealed class StringListComparer() : ValueComparer<List<string>>(
    (a, b) => a!.SequenceEqual(b!),
    list => list.Aggregate(0, (hash, item) => HashCode.Combine(hash, item.GetHashCode(StringComparison.Ordinal))),
    list => list.ToList());
