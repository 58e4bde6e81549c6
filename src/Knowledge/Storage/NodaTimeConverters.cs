using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using NodaTime;

namespace Hotline.Knowledge.Storage;

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
