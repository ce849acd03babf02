using System.Reflection;
using System.Reflection.Emit;
using System.Text.Json.Nodes;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using EasySpace.Core.Space.Members;
using EasySpace.Core.Webhooks;

namespace EasySpace.Tests.Core.Events;

/// <summary>
/// Events are types the model raises: one per catalogue event, named after it, carrying what its filters need; no
/// production code raises an event by its name.
/// </summary>
public class TypedEventsTests
{
    // Not raised by the model: only the "Test" button sends test_webhook. The operational events about webhooks are
    // typed like the rest: the alerts raise them (Alerts/AlertEvaluator).
    private static readonly string[] NotRaisedByTheModel = [EventCatalogue.TestWebhook];

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
    public void No_production_code_raises_an_event_by_its_name()
    {
        // The name-and-subject overload stays public for the engine's tests; in the product only the typed overload may
        // call it. Read from the compiled IL, so async state machines, lambdas and Razor components are all covered.
        var byName = typeof(EventOutbox).GetMethod(nameof(EventOutbox.RaiseAsync), [typeof(AppDbContext), typeof(string), typeof(EventSubject), typeof(CancellationToken)])!;
        var callers = new[] { typeof(EventOutbox).Assembly, typeof(Program).Assembly }
            .SelectMany(a => a.GetTypes())
            .Where(t => t != typeof(EventOutbox))
            .SelectMany(t => t.GetMethods(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Cast<MethodBase>().Concat(t.GetConstructors(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)))
            .Where(m => Calls(m, byName))
            .Select(m => $"{m.DeclaringType!.FullName}.{m.Name}")
            .ToList();

        Assert.True(callers.Count == 0, "These raise an event by its name instead of its type: " + string.Join(", ", callers));
    }

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

    [Fact]
    public void A_plan_change_from_today_reaches_its_date_with_it_and_a_later_one_waits()
    {
        var today = new DateOnly(2026, 12, 2);
        var now = new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

        var fromToday = NewMembership().ChangePlan(planId: 2, from: today, today, now).Select(e => e(Subject()).Name);
        var fromLater = NewMembership().ChangePlan(planId: 2, from: today.AddDays(14), today, now).Select(e => e(Subject()).Name);

        Assert.Equal(["changed_membership_plan", "membership_plan_change_date_reached"], fromToday);
        Assert.Equal(["changed_membership_plan"], fromLater);
    }

    private static Membership NewMembership() =>
        Membership.Create("user-1", new MemberDetails { Name = "Ada Keller" }, "ada@example.com", planId: 1,
            new DateOnly(2026, 1, 1), confirmedNow: true, DateTimeOffset.UnixEpoch);

    private static EventSubject Subject() => new("1", "Ada Keller", new JsonObject { ["url"] = "https://space.example/api/memberships/1" });

    /// <summary>Whether <paramref name="method"/>'s IL calls <paramref name="target"/>.</summary>
    private static bool Calls(MethodBase method, MethodInfo target)
    {
        if (method.GetMethodBody()?.GetILAsByteArray() is not { } il) return false;
        var typeArgs = method.DeclaringType is { IsGenericType: true } t ? t.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var i = 0; i + 4 < il.Length; i++)
        {
            if (il[i] != OpCodes.Call.Value && il[i] != OpCodes.Callvirt.Value) continue;
            try
            {
                if (method.Module.ResolveMethod(BitConverter.ToInt32(il, i + 1), typeArgs, methodArgs) == target) return true;
            }
            catch (Exception e) when (e is ArgumentException or BadImageFormatException) { } // a byte that only looks like a call: its "token" is no method
        }
        return false;
    }
}
