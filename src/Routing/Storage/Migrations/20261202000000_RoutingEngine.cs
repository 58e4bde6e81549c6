using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>Adds the classifier's training examples and its versioned models.</summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261202000000_RoutingEngine")]
public sealed class RoutingEngine : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "TrainingExamples",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Text = table.Column<string>(maxLength: 10_000, nullable: false),
                Label = table.Column<string>(maxLength: 100, nullable: false),
                Source = table.Column<string>(maxLength: 32, nullable: false),
                TicketId = table.Column<Guid>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_TrainingExamples", x => x.Id));
        migrationBuilder.CreateIndex("IX_TrainingExamples_TicketId_Source", "TrainingExamples", ["TicketId", "Source"], unique: true);

        migrationBuilder.CreateTable(
            name: "RoutingModels",
            columns: table => new
            {
                Version = table.Column<string>(maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                Examples = table.Column<int>(nullable: false),
                Threshold = table.Column<double>(nullable: false),
                Accuracy = table.Column<double>(nullable: false),
                MacroF1 = table.Column<double>(nullable: false),
                DispatchShare = table.Column<double>(nullable: false),
                Active = table.Column<bool>(nullable: false),
                File = table.Column<byte[]>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_RoutingModels", x => x.Version));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("RoutingModels");
        migrationBuilder.DropTable("TrainingExamples");
    }
}
