using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// The dispatch catalogue (派单目录): matters, their keywords (a JSON list), level (属地), responsible department or area rule.
/// A new table only, so existing installations upgrade without touching their data; the catalogue starts empty there.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261210000000_DispatchCatalogue")]
public sealed class DispatchCatalogue : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "CatalogueEntries",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: 100, nullable: false),
                CategoryId = table.Column<string>(maxLength: 64, nullable: false),
                Keywords = table.Column<string>(nullable: false),
                Level = table.Column<string>(maxLength: 32, nullable: false),
                DepartmentId = table.Column<string>(maxLength: 64, nullable: false),
                UnitKind = table.Column<string>(maxLength: 32, nullable: true),
                AreaId = table.Column<string>(maxLength: 64, nullable: true),
                Remit = table.Column<string>(maxLength: 2_000, nullable: true),
                Active = table.Column<bool>(nullable: false),
                Version = table.Column<int>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedBy = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_CatalogueEntries", x => x.Id));
        migrationBuilder.CreateIndex("IX_CatalogueEntries_Name", "CatalogueEntries", "Name", unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("CatalogueEntries");
}
