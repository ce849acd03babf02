using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasySpace.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class RequestInbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RequestInboxes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Token = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedByEmail = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RequestInboxes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboxRequests",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    InboxId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Method = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    HeadersJson = table.Column<string>(type: "TEXT", nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    BodyBytes = table.Column<int>(type: "INTEGER", nullable: false),
                    BodyCut = table.Column<bool>(type: "INTEGER", nullable: false),
                    Signature = table.Column<int>(type: "INTEGER", nullable: false),
                    WebhookName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxRequests_RequestInboxes_InboxId",
                        column: x => x.InboxId,
                        principalTable: "RequestInboxes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxRequests_InboxId_Id",
                table: "InboxRequests",
                columns: new[] { "InboxId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_RequestInboxes_Token",
                table: "RequestInboxes",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboxRequests");

            migrationBuilder.DropTable(
                name: "RequestInboxes");
        }
    }
}
