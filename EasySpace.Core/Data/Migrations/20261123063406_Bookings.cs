using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasySpace.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class Bookings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CheckInTokens",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Token = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    MembershipId = table.Column<long>(type: "INTEGER", nullable: true),
                    MemberName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckInTokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Resources",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    Capacity = table.Column<int>(type: "INTEGER", nullable: false),
                    HourlyPrice = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    TaxRate = table.Column<decimal>(type: "TEXT", precision: 6, scale: 3, nullable: false),
                    ArchivedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Resources", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CheckIns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MembershipId = table.Column<long>(type: "INTEGER", nullable: true),
                    MemberName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ValidFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    ValidUntil = table.Column<long>(type: "INTEGER", nullable: false),
                    CheckedOutAt = table.Column<long>(type: "INTEGER", nullable: true),
                    CheckInTokenId = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CheckIns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CheckIns_CheckInTokens_CheckInTokenId",
                        column: x => x.CheckInTokenId,
                        principalTable: "CheckInTokens",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "Bookings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ResourceId = table.Column<long>(type: "INTEGER", nullable: false),
                    From = table.Column<long>(type: "INTEGER", nullable: false),
                    To = table.Column<long>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Comments = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    MembershipId = table.Column<long>(type: "INTEGER", nullable: true),
                    MemberName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Price = table.Column<decimal>(type: "TEXT", precision: 18, scale: 2, nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    TaxRate = table.Column<decimal>(type: "TEXT", precision: 6, scale: 3, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CanceledAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Bookings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Bookings_Resources_ResourceId",
                        column: x => x.ResourceId,
                        principalTable: "Resources",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_From",
                table: "Bookings",
                column: "From");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_MembershipId",
                table: "Bookings",
                column: "MembershipId");

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_ResourceId_From",
                table: "Bookings",
                columns: new[] { "ResourceId", "From" });

            migrationBuilder.CreateIndex(
                name: "IX_Bookings_To",
                table: "Bookings",
                column: "To");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_CheckInTokenId",
                table: "CheckIns",
                column: "CheckInTokenId");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_MembershipId",
                table: "CheckIns",
                column: "MembershipId");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_ValidFrom",
                table: "CheckIns",
                column: "ValidFrom");

            migrationBuilder.CreateIndex(
                name: "IX_CheckIns_ValidUntil",
                table: "CheckIns",
                column: "ValidUntil");

            migrationBuilder.CreateIndex(
                name: "IX_CheckInTokens_MembershipId",
                table: "CheckInTokens",
                column: "MembershipId");

            migrationBuilder.CreateIndex(
                name: "IX_CheckInTokens_Token",
                table: "CheckInTokens",
                column: "Token",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Bookings");

            migrationBuilder.DropTable(
                name: "CheckIns");

            migrationBuilder.DropTable(
                name: "Resources");

            migrationBuilder.DropTable(
                name: "CheckInTokens");
        }
    }
}
