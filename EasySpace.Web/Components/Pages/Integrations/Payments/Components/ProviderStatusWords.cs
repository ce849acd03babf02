using EasySpace.Core.Payments;
using MudBlazor;

namespace EasySpace.Web.Components.Pages.Integrations.Payments.Components;

/// <summary>How a provider's status reads on every card: the same words and colours on the overview and on the Payments page.</summary>
public static class ProviderStatusWords
{
    public static string Of(ConnectionStatus? status) => status switch
    {
        ConnectionStatus.Active => "Active",
        ConnectionStatus.Error => "Error",
        ConnectionStatus.Disabled => "Disabled",
        _ => "Not connected",
    };

    public static Color ColorOf(ConnectionStatus? status) => status switch
    {
        ConnectionStatus.Active => Color.Success,
        ConnectionStatus.Error => Color.Error,
        _ => Color.Default,
    };
}
