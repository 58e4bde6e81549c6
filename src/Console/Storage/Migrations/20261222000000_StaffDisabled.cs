using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Host.Storage.Migrations;

/// <summary>Staff accounts an admin has stopped (<see cref="Staff.StaffUser.Disabled"/>); every existing account stays active.</summary>
[DbContext(typeof(HostDbContext))]
[Migration("20261222000000_StaffDisabled")]
public sealed class StaffDisabled : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<bool>(name: "Disabled", table: "AspNetUsers", nullable: false, defaultValue: false);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropColumn(name: "Disabled", table: "AspNetUsers");
}
