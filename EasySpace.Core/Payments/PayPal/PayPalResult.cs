namespace EasySpace.Core.Payments.PayPal;

/// <summary>What kind of trouble a PayPal call ran into, for a caller that reacts differently to each.</summary>
public enum PayPalErrorKind
{
    /// <summary>The client id and secret were refused, or PayPal kept refusing our token.</summary>
    BadCredentials,
    /// <summary>The app may not do this (a missing feature or permission on the PayPal app).</summary>
    NotPermitted,
    /// <summary>PayPal has no such order, plan, subscription or webhook.</summary>
    NotFound,
    /// <summary>PayPal refused the request itself (400 or 422): the message carries PayPal's reason.</summary>
    Refused,
    /// <summary>PayPal could not be reached, did not answer in time, or failed on its side (5xx).</summary>
    Unavailable,
}

/// <summary>A PayPal failure as a plain sentence a manager can act on, with PayPal's codes for the log and support.</summary>
public sealed record PayPalError(PayPalErrorKind Kind, string Message, int? Status = null, string? Issue = null, string? DebugId = null);

/// <summary>The outcome of a PayPal call: a value or a <see cref="PayPalError"/>, never an exception.</summary>
public sealed class PayPalResult<T>
{
    private PayPalResult(T? value, PayPalError? error) { Value = value; Error = error; }

    public T? Value { get; }
    public PayPalError? Error { get; }
    public bool Succeeded => Error is null;

    public static implicit operator PayPalResult<T>(T value) => new(value, null);
    public static implicit operator PayPalResult<T>(PayPalError error) => new(default, error);
}

/// <summary>The value of a call whose success has nothing to say (a cancel, a delete).</summary>
public sealed record PayPalDone
{
    public static readonly PayPalDone Instance = new();
}
