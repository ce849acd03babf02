namespace EasySpace.Core.Space.CheckIns;

/// <summary>
/// A member present in the space, from check-in until an explicit check-out or until <see cref="ValidUntil"/>
/// passes (the end of the day it was made): an expiry is silent, only a real check-out is an event.
/// </summary>
public sealed class CheckIn
{
    public const int MaxMemberNameLength = 200;

    private CheckIn() { }

    public long Id { get; private set; }
    public long? MembershipId { get; private set; }
    public string MemberName { get; private set; } = "";
    public DateTimeOffset ValidFrom { get; private set; }
    public DateTimeOffset ValidUntil { get; private set; }
    public DateTimeOffset? CheckedOutAt { get; private set; }
    /// <summary>The badge used, when the member checked in with a token.</summary>
    public long? CheckInTokenId { get; private set; }

    public bool IsPresentAt(DateTimeOffset now) => CheckedOutAt is null && ValidUntil > now;

    internal static CheckIn Start(long? membershipId, string memberName, long? tokenId, DateTimeOffset at, DateTimeOffset validUntil) => new()
    {
        MembershipId = membershipId,
        MemberName = memberName.Trim(),
        CheckInTokenId = tokenId,
        ValidFrom = at,
        ValidUntil = validUntil,
    };

    internal void CheckOut(DateTimeOffset at)
    {
        CheckedOutAt = at;
        ValidUntil = at;
    }

    /// <summary>Whether this check-in is for the same member, by membership when both have one, else by name.</summary>
    public bool IsFor(long? membershipId, string memberName) =>
        membershipId is not null && MembershipId is not null
            ? membershipId == MembershipId
            : string.Equals(MemberName, memberName.Trim(), StringComparison.OrdinalIgnoreCase);
}

/// <summary>A member's badge or NFC tag: its token checks the member in.</summary>
public sealed class CheckInToken
{
    public const int MinTokenLength = 4;
    public const int MaxTokenLength = 100;

    private CheckInToken() { }

    public long Id { get; private set; }
    public string Token { get; private set; } = "";
    public long? MembershipId { get; private set; }
    public string MemberName { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    internal static CheckInToken Issue(CheckInTokenDraft draft, DateTimeOffset at) => new()
    {
        Token = draft.Token.Trim(),
        MembershipId = draft.MembershipId,
        MemberName = draft.MemberName.Trim(),
        CreatedAt = at,
    };
}

/// <summary>Who checks in, as the Check-ins page names them.</summary>
public sealed class CheckInDraft
{
    public string MemberName { get; set; } = "";
    /// <summary>The member picked on the page; null for a guest checked in by name.</summary>
    public long? MembershipId { get; set; }

    public ValidationErrors Validate() => CheckInRules.Member(new ValidationErrors(), MemberName, MembershipId);
}

public sealed class CheckInTokenDraft
{
    public string Token { get; set; } = "";
    public string MemberName { get; set; } = "";
    public long? MembershipId { get; set; }

    public ValidationErrors Validate()
    {
        var errors = CheckInRules.Member(new ValidationErrors(), MemberName, MembershipId);
        if (CheckInRules.TokenProblem(Token) is { } problem) errors.Add(nameof(Token), problem);
        return errors;
    }
}

internal static class CheckInRules
{
    /// <summary>A picked membership names the member; without one (a guest), the name typed is required.</summary>
    public static ValidationErrors Member(ValidationErrors errors, string? memberName, long? membershipId)
    {
        if (membershipId is null && InputRules.RequiredText(memberName, "the member's name", CheckIn.MaxMemberNameLength) is { } problem)
            errors.Add(nameof(CheckInDraft.MemberName), problem);
        if (membershipId is <= 0) errors.Add(nameof(CheckInDraft.MembershipId), "That membership does not exist.");
        return errors;
    }

    /// <summary>Badge readers send hex or decimal ids, sometimes with separators; nothing else belongs in a token.</summary>
    public static string? TokenProblem(string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return "Enter the token (the badge or tag number).";
        token = token.Trim();
        if (token.Length < CheckInToken.MinTokenLength) return $"A token has at least {CheckInToken.MinTokenLength} characters.";
        if (token.Length > CheckInToken.MaxTokenLength) return $"A token has at most {CheckInToken.MaxTokenLength} characters.";
        if (!token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or ':' or '.'))
            return "A token has only letters, digits and the characters - _ : .";
        return null;
    }
}
