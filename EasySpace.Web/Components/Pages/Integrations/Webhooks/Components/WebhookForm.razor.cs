using EasySpace.Core;
using EasySpace.Core.Events;
using EasySpace.Core.Identity;
using EasySpace.Core.Webhooks;
using EasySpace.Web.Components.Pages.Integrations.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using Endpoint = EasySpace.Core.Webhooks.Endpoint;

namespace EasySpace.Web.Components.Pages.Integrations.Webhooks.Components;

/// <summary>The form's state and actions; the markup is in WebhookForm.razor.</summary>
public partial class WebhookForm
{
    /// <summary>The webhook being edited; null to add one.</summary>
    [Parameter] public Endpoint? Existing { get; set; }
    [Parameter] public SpaceClock SpaceClock { get; set; } = SpaceClock.Utc;
    /// <summary>A new webhook's name and address, when another page suggests them.</summary>
    [Parameter] public string? InitialName { get; set; }
    [Parameter] public string? InitialUrl { get; set; }

    private sealed class HeaderRow
    {
        public string Name { get; set; } = "";
        public string Value { get; set; } = "";
        public bool Shown { get; set; }
    }

    private string name = "";
    private string url = "";
    private string secret = "";
    private HashSet<string> selected = [];
    private string? resourceId;
    private List<string> fields = [];
    private string? fieldInput;
    private int? leadTime;
    private List<HeaderRow> headers = [];
    private PayloadFormat format = PayloadFormat.Full;
    private bool critical;

    private ValidationErrors errors = new();
    private readonly HashSet<string> touched = [];
    private bool submitted;
    private bool busy;
    private bool revealed;
    private string? knownSecret;            // edit: the current secret, once the manager asked for it
    private DateTimeOffset? previousSecretUntil;

    private bool Creating => Existing is null;
    private bool ShowErrors => submitted;
    private string CancelHref => Creating ? "settings/integrations/webhooks" : $"settings/integrations/webhooks/{Existing!.Id}";

    protected override void OnInitialized()
    {
        if (Existing is { } e)
        {
            name = e.Name;
            url = e.Url;
            selected = [.. e.Events];
            resourceId = e.Filters.ResourceId;
            fields = [.. e.Filters.Fields ?? []];
            leadTime = e.Filters.LeadTimeMinutes;
            headers = Endpoints.HeadersOf(e).Select(h => new HeaderRow { Name = h.Name, Value = h.Value }).ToList();
            format = e.Format;
            critical = e.IsCritical;
            previousSecretUntil = e.PreviousSecretExpiresAt;
        }
        else
        {
            name = InitialName ?? "";
            url = InitialUrl ?? "";
            secret = Signer.NewSecret();
        }
        errors = Endpoints.Validate(BuildDraft(), Creating);
    }

    private string? ErrorFor(string field) => submitted || touched.Contains(field) ? errors.For(field) : null;

    private string? UrlWarning => string.IsNullOrWhiteSpace(url) ? null : Guard.CheckUrl(url) is { Error: null, Warning: { } w } ? w : null;

    private IReadOnlySet<string> AllowedFilters =>
        selected.Select(EventCatalogue.Find).Where(t => t is not null).SelectMany(t => t!.Filters).ToHashSet();

    private void Change(string field, Action apply)
    {
        apply();
        touched.Add(field);
        errors = Endpoints.Validate(BuildDraft(), Creating);
    }

    private IEnumerable<HeaderRow> FilledHeaders => headers.Where(h => !(string.IsNullOrEmpty(h.Name) && string.IsNullOrEmpty(h.Value)));

    private static IReadOnlyList<string> Problems(IEnumerable<HeaderRow> rows) =>
        HeaderRules.Problems(rows.Select(r => KeyValuePair.Create(r.Name.Trim(), r.Value)).ToList());

    /// <summary>What is wrong with this one header by itself; shown under its name.</summary>
    private string? RowProblem(HeaderRow row)
    {
        if (!(submitted || touched.Contains("Headers")) || (string.IsNullOrEmpty(row.Name) && string.IsNullOrEmpty(row.Value))) return null;
        var problems = Problems([row]);
        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    /// <summary>What is wrong with the headers together (repeats, too many, too large).</summary>
    private IEnumerable<string> ListProblems
    {
        get
        {
            if (!(submitted || touched.Contains("Headers"))) return [];
            var own = FilledHeaders.SelectMany(r => Problems([r])).ToHashSet();
            return Problems(FilledHeaders).Where(p => !own.Contains(p));
        }
    }

    private EndpointDraft BuildDraft()
    {
        var allowed = AllowedFilters;
        var filters = new EndpointFilters
        {
            ResourceId = allowed.Contains(EventFilters.ResourceId) && !string.IsNullOrWhiteSpace(resourceId) ? resourceId.Trim() : null,
            Fields = allowed.Contains(EventFilters.Fields) && fields.Count > 0 ? [.. fields] : null,
            LeadTimeMinutes = allowed.Contains(EventFilters.LeadTime) ? leadTime : null,
        };
        return new EndpointDraft
        {
            Name = name ?? "",
            Url = url ?? "",
            Secret = Creating ? secret : null,
            // In the catalogue's order, so the list reads the same way everywhere.
            Events = EventCatalogue.All.Where(t => selected.Contains(t.Name)).Select(t => t.Name).ToList(),
            Filters = filters.IsEmpty ? null : filters,
            Headers = FilledHeaders.Select(h => new CustomHeader(h.Name.Trim(), h.Value)).ToList(),
            Format = format,
            Critical = critical,
        };
    }

    private async Task FieldKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Enter") AddField();
        await Task.CompletedTask;
    }

    private void AddField()
    {
        var field = fieldInput?.Trim();
        if (string.IsNullOrEmpty(field) || fields.Contains(field)) return;
        Change("Filters.fields", () => fields.Add(field));
        fieldInput = null;
    }

    private void Regenerate()
    {
        Change("Secret", () => secret = Signer.NewSecret());
        touched.Remove("Secret");
    }

    private async Task CopyAsync(string text)
    {
        if (await JS.CopyAsync(text)) Snackbar.Add("Secret copied to the clipboard.", Severity.Success);
        else Snackbar.Add("The browser did not allow copying. Reveal the secret and copy it by hand.", Severity.Warning);
    }

    private async Task<string?> KnownSecretAsync()
    {
        if (knownSecret is null && Existing is { } e) knownSecret = await Endpoints.RevealSecretAsync(e.Id, await CurrentActor.GetAsync());
        return knownSecret;
    }

    private async Task ToggleRevealAsync()
    {
        if (revealed)
        {
            revealed = false;
            return;
        }
        revealed = await KnownSecretAsync() is not null;
    }

    private async Task CopyExistingAsync()
    {
        if (await KnownSecretAsync() is { } known) await CopyAsync(known);
    }

    private async Task RotateAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Rotate the secret?",
            "EasySpace makes a new secret and signs with it from now on. For the next 24 hours every request is also signed with the current secret, " +
            "so your receiving application keeps accepting requests while you give it the new one. After 24 hours only the new secret signs.",
            yesText: "Rotate secret", cancelText: "Cancel");
        if (confirmed != true) return;
        var result = await Endpoints.RotateSecretAsync(Existing!.Id, null, await CurrentActor.GetAsync());
        if (!result.Succeeded)
        {
            errors = result.Errors;
            return;
        }
        knownSecret = result.Value;
        revealed = false;
        previousSecretUntil = (await Endpoints.GetAsync(Existing.Id))?.PreviousSecretExpiresAt;
        Snackbar.Add("New secret made. Copy it to your receiving application within 24 hours.", Severity.Success);
    }

    private async Task SubmitAsync()
    {
        submitted = true;
        var draft = BuildDraft();
        errors = Endpoints.Validate(draft, Creating);
        if (!errors.IsEmpty) return;
        busy = true;
        try
        {
            var actor = await CurrentActor.GetAsync();
            if (Creating)
            {
                var created = await Endpoints.CreateAsync(draft, EndpointOrigin.SettingsUi, actor);
                if (!created.Succeeded)
                {
                    errors = created.Errors;
                    return;
                }
                Snackbar.Add($"Webhook \"{created.Value!.Endpoint.Name}\" created. It is active and sends events from now on.", Severity.Success);
                Navigation.NavigateTo($"settings/integrations/webhooks/{created.Value.Endpoint.Id}");
            }
            else
            {
                var updated = await Endpoints.UpdateAsync(Existing!.Id, draft, actor);
                if (!updated.Succeeded)
                {
                    errors = updated.Errors;
                    return;
                }
                Snackbar.Add("Changes saved.", Severity.Success);
                Navigation.NavigateTo($"settings/integrations/webhooks/{Existing.Id}");
            }
        }
        finally
        {
            busy = false;
        }
    }
}
