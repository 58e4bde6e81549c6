using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Hotline.Knowledge.Storage.Migrations;

/// <summary>Adds the direct answers that cited an article (counted on the knowledge page).</summary>
[DbContext(typeof(KnowledgeDbContext))]
[Migration("20261123000000_ArticleCitations")]
public sealed class ArticleCitations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "ArticleCitations",
            columns: table => new
            {
                EntryId = table.Column<Guid>(nullable: false),
                TicketId = table.Column<Guid>(nullable: false),
                ArticleId = table.Column<Guid>(nullable: false),
                ArticleVersion = table.Column<int>(nullable: false),
                CitedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_ArticleCitations", x => x.EntryId));
        migrationBuilder.CreateIndex("IX_ArticleCitations_ArticleId_CitedAt", "ArticleCitations", ["ArticleId", "CitedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("ArticleCitations");
}
