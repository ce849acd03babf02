using EasySpace.Core.Webhooks;

namespace EasySpace.Web.Components.Pages.Integrations.Webhooks.Components;

/// <summary>
/// What each kind of failure means and which of the troubleshooting steps (check URL, verify authentication,
/// review logs, test endpoint) to take first.
/// </summary>
public static class ErrorHints
{
    public sealed record Hint(string Label, string Step, string Advice);

    public static Hint For(AttemptError kind) => kind switch
    {
        AttemptError.HttpStatus => new("Error status from the receiver", "Verify authentication",
            "The receiver answered, but not with 2xx. A 401 or 403 usually means the secret or a custom header does not match what it expects; " +
            "otherwise review the receiver's own logs for the error."),
        AttemptError.Redirect => new("Redirect", "Check URL",
            "The receiver answered with a redirect, which EasySpace never follows. Enter the final address (often https:// instead of http://, or with a trailing slash)."),
        AttemptError.Timeout => new("No answer in time", "Review logs",
            "The receiver did not answer within 30 seconds. It should answer at once and do its work afterwards; its logs show what it was busy with."),
        AttemptError.ConnectionRefused => new("Connection refused", "Check URL",
            "Nothing accepted the connection at that address and port. Check the URL and that the receiving application is running."),
        AttemptError.ConnectionReset => new("Connection dropped", "Review logs",
            "The receiver closed the connection before answering. Its logs usually say why (a crash, a proxy, a size limit)."),
        AttemptError.Dns => new("Unknown host name", "Check URL",
            "The host name in the URL could not be found. Check it for typos."),
        AttemptError.Tls => new("HTTPS problem", "Check URL",
            "The secure connection failed: the certificate may have expired or not match the host name."),
        AttemptError.BlockedAddress => new("Private address refused", "Check URL",
            "The address points into a private or local network, which EasySpace does not send to. Use the receiver's public address."),
        _ => new("Other error", "Test endpoint",
            "Something else went wrong. Use Test to send a request now and see the full answer."),
    };
}
