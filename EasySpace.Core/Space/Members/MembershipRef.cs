using System.Globalization;
using System.Text.Json.Serialization;

namespace EasySpace.Core.Space.Members;

/// <summary>Who a booking or check-in is for. The id is null until the Members feature links a membership.</summary>
public sealed record MembershipRef(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name)
{
    public static MembershipRef? Of(long? membershipId, string? name) =>
        membershipId is null && string.IsNullOrEmpty(name) ? null : new(membershipId?.ToString(CultureInfo.InvariantCulture), name);
}
