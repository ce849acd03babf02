using System.Collections.Concurrent;
using System.Text.Json;
using EasySpace.Core.Data;
using EasySpace.Core.Events;
using Json.Schema;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Core.Events;

/// <summary>
/// The published schemas (<see cref="EventPayloads"/>) checked with a real JSON Schema validator. The catalogue tests
/// call <see cref="AssertSentBodiesMatchAsync"/> after their actions: every body the product wrote, in both formats, must
/// meet its event's schema, so a schema cannot drift from what is sent.
/// </summary>
internal static class PayloadSchemas
{
    private static readonly ConcurrentDictionary<(string, PayloadFormat), Lazy<JsonSchema>> Built = new();
    private static readonly EvaluationOptions Strict = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    /// <summary>Why this body does not meet the event's schema in this format; empty when it does.</summary>
    public static List<string> Problems(EventType type, PayloadFormat format, string body)
    {
        var schema = Built.GetOrAdd((type.Name, format), key => new Lazy<JsonSchema>(() =>
            JsonSchema.FromText(EventPayloads.Schema(type, format).ToJsonString(), baseUri: new Uri($"urn:easyspace:event-types:{key.Item1}:{key.Item2}")))).Value;
        using var doc = JsonDocument.Parse(body);
        var result = schema.Evaluate(doc.RootElement, Strict);
        if (result.IsValid) return [];
        return [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Value}"))
            .DefaultIfEmpty("invalid")];
    }

    /// <summary>Checks every event row in the app's database, both bodies; returns the names of the events checked.</summary>
    public static async Task<IReadOnlySet<string>> AssertSentBodiesMatchAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var events = await db.Events.AsNoTracking().OrderBy(e => e.Id).Select(e => new { e.Name, e.FullBody, e.ThinBody }).ToListAsync();
        var failures = new List<string>();
        foreach (var e in events)
        foreach (var format in new[] { PayloadFormat.Full, PayloadFormat.Thin })
        {
            var body = System.Text.Encoding.UTF8.GetString(format == PayloadFormat.Full ? e.FullBody : e.ThinBody);
            foreach (var problem in Problems(EventCatalogue.Find(e.Name)!, format, body))
                failures.Add($"{e.Name}, {format}: {problem}\n  body: {body}");
        }
        Assert.True(failures.Count == 0, "Bodies the product wrote that do not meet their published schema:\n" + string.Join("\n", failures));
        Assert.NotEmpty(events);
        return events.Select(e => e.Name).ToHashSet();
    }
}
