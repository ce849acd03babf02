using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EasySpace.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class EngineFanOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "FannedOut",
                table: "Events",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "FilterFields",
                table: "Events",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FilterResourceId",
                table: "Events",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "FullBody",
                table: "Events",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<int>(
                name: "LeadMinutes",
                table: "Events",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MessageId",
                table: "Events",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<byte[]>(
                name: "ThinBody",
                table: "Events",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<int>(
                name: "Format",
                table: "Deliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            // Until now each delivery kept its own body and webhook-id. So that every delivery still sends exactly the bytes
            // and id it sent before, each one gets an event row of its own holding them (marked fanned out), and the old
            // event rows, whose deliveries all moved, go. Test deliveries, which had no event, get one the same way.
            migrationBuilder.Sql("UPDATE Deliveries SET Format = COALESCE((SELECT Format FROM Endpoints WHERE Endpoints.Id = Deliveries.EndpointId), 0);");
            migrationBuilder.Sql("ALTER TABLE Events ADD COLUMN MovedFromDelivery INTEGER NULL;");
            migrationBuilder.Sql("""
                INSERT INTO Events (Name, Resource, ResourceId, Url, About, DataJson, OccurredAt, MessageId, FullBody, ThinBody, FannedOut, MovedFromDelivery)
                SELECT COALESCE(e.Name, d.EventName), COALESCE(e.Resource, ''), COALESCE(e.ResourceId, ''), COALESCE(e.Url, ''),
                       COALESCE(e.About, CASE WHEN d.IsTest THEN 'Test' ELSE '' END), COALESCE(e.DataJson, '{}'), COALESCE(e.OccurredAt, d.CreatedAt), d.MessageId,
                       CASE WHEN d.Format = 1 THEN d.Body ELSE X'' END, CASE WHEN d.Format = 1 THEN X'' ELSE d.Body END, 1, d.Id
                FROM Deliveries d LEFT JOIN Events e ON e.Id = d.EventId
                ORDER BY d.Id;
                """);
            migrationBuilder.Sql("CREATE INDEX IX_Events_MovedFromDelivery ON Events (MovedFromDelivery);");
            migrationBuilder.Sql("UPDATE Deliveries SET EventId = (SELECT Id FROM Events WHERE MovedFromDelivery = Deliveries.Id);");
            migrationBuilder.Sql("DELETE FROM Events WHERE MovedFromDelivery IS NULL;");
            migrationBuilder.Sql("DROP INDEX IX_Events_MovedFromDelivery;");
            migrationBuilder.Sql("ALTER TABLE Events DROP COLUMN MovedFromDelivery;");

            migrationBuilder.DropForeignKey(
                name: "FK_Deliveries_Events_EventId",
                table: "Deliveries");

            migrationBuilder.DropIndex(
                name: "IX_Deliveries_MessageId",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "Body",
                table: "Deliveries");

            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "Deliveries");

            migrationBuilder.AlterColumn<long>(
                name: "EventId",
                table: "Deliveries",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
                oldNullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Events_MessageId",
                table: "Events",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_Events_WaitingForFanOut",
                table: "Events",
                column: "FannedOut",
                filter: "FannedOut = 0");

            migrationBuilder.AddForeignKey(
                name: "FK_Deliveries_Events_EventId",
                table: "Deliveries",
                column: "EventId",
                principalTable: "Events",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Deliveries_Events_EventId",
                table: "Deliveries");

            migrationBuilder.DropIndex(
                name: "IX_Events_MessageId",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_Events_WaitingForFanOut",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "FannedOut",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "FilterFields",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "FilterResourceId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "FullBody",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "LeadMinutes",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "MessageId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "ThinBody",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "Deliveries");

            migrationBuilder.AlterColumn<long>(
                name: "EventId",
                table: "Deliveries",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

            migrationBuilder.AddColumn<byte[]>(
                name: "Body",
                table: "Deliveries",
                type: "BLOB",
                nullable: false,
                defaultValue: new byte[0]);

            migrationBuilder.AddColumn<string>(
                name: "MessageId",
                table: "Deliveries",
                type: "TEXT",
                maxLength: 64,
                nullable: false,
                defaultValue: "");

            migrationBuilder.CreateIndex(
                name: "IX_Deliveries_MessageId",
                table: "Deliveries",
                column: "MessageId");

            migrationBuilder.AddForeignKey(
                name: "FK_Deliveries_Events_EventId",
                table: "Deliveries",
                column: "EventId",
                principalTable: "Events",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }
    }
}
