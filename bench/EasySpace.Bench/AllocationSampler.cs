using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace EasySpace.Bench;

/// <summary>
/// <c>--profile</c>: which types the process allocates, from the runtime's own sampling (GCAllocationTick fires about
/// every 100 KB allocated and names the type that crossed the line), so big allocators show in proportion.
/// No call stacks: the type names say whose code it is (EF, SQLite, Json, HTTP).
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const int AllocationTick = 10;
    private readonly ConcurrentDictionary<string, long> bytesByType = new();
    private volatile bool on;
    private long total;

    public void Start()
    {
        bytesByType.Clear();
        Interlocked.Exchange(ref total, 0);
        on = true;
    }

    public (List<(string Type, long Bytes)> Top, long Total) Stop(int top = 15)
    {
        on = false;
        return (bytesByType.OrderByDescending(b => b.Value).Take(top).Select(b => (b.Key, b.Value)).ToList(), Interlocked.Read(ref total));
    }

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime")
            EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1 /* GC */);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!on || e.EventId != AllocationTick || e.PayloadNames is null) return;
        var type = "?";
        long amount = 0;
        for (var i = 0; i < e.PayloadNames.Count; i++)
        {
            switch (e.PayloadNames[i])
            {
                case "TypeName": type = e.Payload![i] as string ?? "?"; break;
                case "AllocationAmount64": amount = Convert.ToInt64(e.Payload![i]); break;
            }
        }
        bytesByType.AddOrUpdate(type, amount, (_, v) => v + amount);
        Interlocked.Add(ref total, amount);
    }
}
