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
}
