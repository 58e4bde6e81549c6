using System.Text.Json;
using Hotline.Routing.Tickets;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace Hotline.Routing.Storage;

/// <summary>
/// Instants are stored as UTC <see cref="DateTime"/>: <c>timestamp with time zone</c> on PostgreSQL and sortable ISO text on
/// SQLite. The NodaTime plug-in for Npgsql is not in this registry, and one mapping for both providers keeps the migrations shared.
/// </summary>
public sealed class InstantConverter() : ValueConverter<Instant, DateTime>(
    instant => instant.ToDateTimeUtc(),
    stored => Instant.FromDateTimeUtc(DateTime.SpecifyKind(stored, DateTimeKind.Utc)));

public sealed class LocalDateConverter() : ValueConverter<LocalDate, DateOnly>(
    date => date.ToDateOnly(),
    stored => LocalDate.FromDateOnly(stored));

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
