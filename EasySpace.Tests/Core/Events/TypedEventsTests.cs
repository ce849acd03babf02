using System.Text.Json.Nodes;
using EasySpace.Core.Events;
using EasySpace.Core.Webhooks;

namespace EasySpace.Tests.Core.Events;

/// <summary>
/// Events are types the model raises: one per catalogue event, named after it, carrying what its filters need.
/// </summary>
public class TypedEventsTests
{
    // Not raised by the model: only the "Test" button sends test_webhook; the engine raises the operational events
    // about webhooks themselves (DESIGN.md section 4), when the catalogue has them.
    private static readonly string[] NotRaisedByTheModel = [EventCatalogue.TestWebhook, "deactivated_webhook", "failing_webhook", "recovered_webhook"];

    private static readonly Type[] EventTypes = typeof(CatalogueEvent).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(CatalogueEvent)) && !t.IsAbstract).ToArray();

    [Fact]
    public void Every_catalogue_event_the_model_raises_has_exactly_one_type()
    {
        var typesByName = EventTypes.GroupBy(CatalogueEvent.NameOf).ToDictionary(g => g.Key, g => g.Select(t => t.Name).ToList());
        var missing = EventCatalogue.All.Select(e => e.Name).Except(NotRaisedByTheModel).Where(n => !typesByName.ContainsKey(n)).ToList();
        var twice = typesByName.Where(g => g.Value.Count > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Value)}").ToList();

        Assert.True(missing.Count == 0, "Catalogue events without a type: " + string.Join(", ", missing));
        Assert.True(twice.Count == 0, "Catalogue events with more than one type: " + string.Join("; ", twice));
    }

    [Fact]
    public void Every_event_type_is_named_after_a_catalogue_event_the_model_raises()
    {
        var strays = EventTypes.Where(t => EventCatalogue.Find(CatalogueEvent.NameOf(t)) is null || NotRaisedByTheModel.Contains(CatalogueEvent.NameOf(t)))
            .Select(t => $"{t.Name} ({CatalogueEvent.NameOf(t)})").ToList();

        Assert.True(strays.Count == 0, "Event types the catalogue does not know (or that only the engine sends): " + string.Join(", ", strays));
    }

    [Theory]
    [InlineData(typeof(CreatedDropInPass), "created_drop_in_pass")]
    [InlineData(typeof(RequestedEInvoice), "requested_e_invoice")]
    [InlineData(typeof(MembershipPlanChangeDateReached), "membership_plan_change_date_reached")]
    public void A_type_is_its_catalogue_name_in_snake_case(Type type, string name) => Assert.Equal(name, CatalogueEvent.NameOf(type));

    [Fact]
    public void A_booking_event_carries_its_room_and_lead_time_to_the_subscription_filters()
    {
        var announced = new BookingWillBegin(Subject(), ResourceId: 7, LeadMinutes: 15);

        Assert.True(new EndpointFilters { ResourceId = "7", LeadTimeMinutes = 15 }.Admit(announced.Filterable));
        Assert.False(new EndpointFilters { ResourceId = "8", LeadTimeMinutes = 15 }.Admit(announced.Filterable)); // another room
        Assert.False(new EndpointFilters { ResourceId = "7", LeadTimeMinutes = 30 }.Admit(announced.Filterable)); // another lead
    }

    [Fact]
    public void A_custom_field_change_carries_the_changed_fields_to_the_subscription_filter()
    {
        var changed = new UpdatedCustomField(Subject(), ["T-shirt size"]);

        Assert.True(new EndpointFilters { Fields = ["T-shirt size"] }.Admit(changed.Filterable));
        Assert.False(new EndpointFilters { Fields = ["Locker"] }.Admit(changed.Filterable));
    }

    private static EventSubject Subject() => new("1", "Ada Keller", new JsonObject { ["url"] = "https://space.example/api/memberships/1" });

}
