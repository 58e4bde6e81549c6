using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Why a scheduled training left a model version off, stored with the version so the models page can say it exactly (it was
/// only logged). One nullable column: versions held back before this release have none, and the page then reads the reason
/// off their figures as before.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261229000000_ModelHoldBackReasons")]
public sealed class ModelHoldBackReasons : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "HeldBackReason", table: "RoutingModels", maxLength: 500, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "HeldBackReason", table: "RoutingModels");
}
