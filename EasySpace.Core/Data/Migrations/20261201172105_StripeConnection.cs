using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasySpace.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class StripeConnection : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ProviderConnections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Provider = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Mode = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ErrorReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ErrorFix = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    Delivery = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    AccountId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    AccountName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    AccountCountry = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    DefaultCurrency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    ChargesEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    ProtectedSecretKey = table.Column<string>(type: "TEXT", nullable: false),
                    SecretKeyHint = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    PublishableKey = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ProtectedSigningSecret = table.Column<string>(type: "TEXT", nullable: true),
                    RemoteWebhookId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    WebhookUrl = table.Column<string>(type: "TEXT", maxLength: 2048, nullable: true),
                    ConnectedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ConnectedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastCheckedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProviderConnections", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ProviderConnections_Provider",
                table: "ProviderConnections",
                column: "Provider",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ProviderConnections");
        }
    }
}
