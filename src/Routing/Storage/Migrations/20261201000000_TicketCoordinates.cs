using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Routing.Storage.Migrations;

/// <summary>
/// Optional coordinates of a ticket's location (web and app submissions), next to the address text. Two nullable columns, no
/// column types (double → double precision / REAL), so existing rows and both providers need nothing else.
/// </summary>
[DbContext(typeof(RoutingDbContext))]
[Migration("20261201000000_TicketCoordinates")]
public sealed class TicketCoordinates : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<double>(name: "Latitude", table: "Tickets", nullable: true);
        migrationBuilder.AddColumn<double>(name: "Longitude", table: "Tickets", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "Longitude", table: "Tickets");
        migrationBuilder.DropColumn(name: "Latitude", table: "Tickets");
    }
}
