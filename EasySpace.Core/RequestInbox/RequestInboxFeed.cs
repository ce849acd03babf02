namespace EasySpace.Core.RequestInbox;

/// <summary>Tells open inbox pages that an inbox's requests changed (one arrived, or they were cleared), so they show it without reloading.</summary>
public sealed class RequestInboxFeed
{
    /// <summary>Raised with the inbox's id after the change is committed.</summary>
    public event Action<long>? Changed;

    internal void Announce(long inboxId) => Changed?.Invoke(inboxId);
}
