using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Makes a table append-only in the database itself: an UPDATE or DELETE aborts, whoever issues it (application bug, ad-hoc SQL).
/// History that can be edited is not history.
/// </summary>
public static class AppendOnly
{
    public const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    public static void Create(MigrationBuilder migrationBuilder, string table)
    {
        if (migrationBuilder.ActiveProvider == PostgresProvider)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION hotline_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
                END $$;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}"
                FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change();
                """);
        }
        else
        {
            migrationBuilder.Sql($"""
                CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}"
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
                """);
            migrationBuilder.Sql($"""
                CREATE TRIGGER "{table}_no_delete" BEFORE DELETE ON "{table}"
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
                """);
        }
    }

    /// <summary>
    /// Replaces a table's append-only triggers with ones that also allow sealing: setting <c>Hash</c> once, from null, on a row
    /// whose every other column stays as it is (the start-up step that hashes rows written before hash chains existed). Anything
    /// else is still refused. PostgreSQL compares whole rows (<c>to_jsonb</c>), so a later column is covered by itself; SQLite
    /// compares <paramref name="columns"/>, so a migration that adds a column to such a table must recreate this trigger.
    /// </summary>
    public static void AllowSealing(MigrationBuilder migrationBuilder, string table, IReadOnlyList<string> columns)
    {
        if (migrationBuilder.ActiveProvider == PostgresProvider)
        {
            migrationBuilder.Sql("""
                CREATE OR REPLACE FUNCTION hotline_refuse_change_except_seal() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'UPDATE' AND OLD."Hash" IS NULL AND NEW."Hash" IS NOT NULL
                       AND to_jsonb(NEW) - 'Hash' = to_jsonb(OLD) - 'Hash' THEN
                        RETURN NEW;
                    END IF;
                    RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME;
                END $$;
                """);
            migrationBuilder.Sql($"""DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";""");
            migrationBuilder.Sql($"""
                CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}"
                FOR EACH ROW EXECUTE FUNCTION hotline_refuse_change_except_seal();
                """);
        }
        else
        {
            var unchanged = string.Join(" AND ", columns.Select(c => $"NEW.\"{c}\" IS OLD.\"{c}\""));
            migrationBuilder.Sql($"""DROP TRIGGER IF EXISTS "{table}_no_update";""");
            migrationBuilder.Sql($"""
                CREATE TRIGGER "{table}_no_update" BEFORE UPDATE ON "{table}"
                WHEN NOT (OLD."Hash" IS NULL AND NEW."Hash" IS NOT NULL AND {unchanged})
                BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;
                """);
        }
    }

    /// <summary>Drops the update trigger so a migration can back-fill a new column; <see cref="AllowSealing"/> puts it back.</summary>
    public static void SuspendUpdates(MigrationBuilder migrationBuilder, string table) => migrationBuilder.Sql(
        migrationBuilder.ActiveProvider == PostgresProvider
            ? $"""DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";"""
            : $"""DROP TRIGGER IF EXISTS "{table}_no_update";""");
}
