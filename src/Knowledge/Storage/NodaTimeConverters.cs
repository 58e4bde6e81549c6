using Microsoft.EntityFrameworkCore;
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

/// <summary>The storage conventions every module's context shares, so the same type is stored the same way in every table.</summary>
public static class StorageConventions
{
    /// <summary>Instants as UTC date-times, local dates as dates, enums as their names (readable in SQL, stable when reordered).</summary>
    public static ModelConfigurationBuilder UseHotlineConventions(this ModelConfigurationBuilder configurationBuilder)
    {
        configurationBuilder.Properties<Instant>().HaveConversion<InstantConverter>();
        configurationBuilder.Properties<LocalDate>().HaveConversion<LocalDateConverter>();
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
        return configurationBuilder;
    }
}
