using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Knowledge.Storage.Migrations;

/// <summary>Knowledge's initial schema: articles and their versions (hand-written; types left to each provider).</summary>
[DbContext(typeof(KnowledgeDbContext))]
[Migration("20261122040000_KnowledgeInitial")]
public sealed class KnowledgeInitial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Articles",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Body = table.Column<string>(maxLength: 50_000, nullable: false),
                Category = table.Column<string>(maxLength: 100, nullable: true),
                OwnerDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                Keywords = table.Column<string>(maxLength: 500, nullable: false),
                ValidFrom = table.Column<DateOnly>(nullable: true),
                ValidUntil = table.Column<DateOnly>(nullable: true),
                ReviewBy = table.Column<DateOnly>(nullable: true),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                Version = table.Column<int>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                UpdatedBy = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Articles", x => x.Id));
        migrationBuilder.CreateIndex("IX_Articles_Status_Category", "Articles", ["Status", "Category"]);

        migrationBuilder.CreateTable(
            name: "ArticleVersions",
            columns: table => new
            {
                ArticleId = table.Column<Guid>(nullable: false),
                Version = table.Column<int>(nullable: false),
                Title = table.Column<string>(maxLength: 200, nullable: false),
                Body = table.Column<string>(maxLength: 50_000, nullable: false),
                Category = table.Column<string>(maxLength: 100, nullable: true),
                OwnerDepartmentId = table.Column<string>(maxLength: 64, nullable: true),
                Keywords = table.Column<string>(maxLength: 500, nullable: false),
                ValidFrom = table.Column<DateOnly>(nullable: true),
                ValidUntil = table.Column<DateOnly>(nullable: true),
                ReviewBy = table.Column<DateOnly>(nullable: true),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                SavedAt = table.Column<DateTime>(nullable: false),
                SavedBy = table.Column<string>(maxLength: 100, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ArticleVersions", x => new { x.ArticleId, x.Version }));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable("ArticleVersions");
        migrationBuilder.DropTable("Articles");
    }
}
