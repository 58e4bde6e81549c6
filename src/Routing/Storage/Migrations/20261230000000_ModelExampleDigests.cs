using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// The fingerprint of the history each model was trained on, so the scheduled retraining can tell that the history changed
/// when no example is newer than the model (a correction relabelled or withdrawn). One nullable column: models trained before
/// this release have none, and the job then judges by the examples' timestamps as before.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261230000000_ModelExampleDigests")]
public sealed class ModelExampleDigests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "ExamplesDigest", table: "RoutingModels", maxLength: 64, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "ExamplesDigest", table: "RoutingModels");
}
