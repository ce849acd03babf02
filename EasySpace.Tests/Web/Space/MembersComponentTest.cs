using System.Security.Claims;
using Bunit;
using EasySpace.Core.Identity;
using EasySpace.Core;
using EasySpace.Core.Space;
using EasySpace.Core.Space.Members;
using EasySpace.Tests.Core.Space;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace EasySpace.Tests.Web.Space;

/// <summary>A set-up space, the dialog and popover providers, and someone logged in; for the members pages.</summary>
public abstract class MembersComponentTest : ComponentTest
{
    protected IRenderedComponent<MudDialogProvider> DialogHost = default!;
    protected IServiceProvider S => Services;

    /// <param name="clock">A fake clock for a test about times; the real one otherwise.</param>
    protected MembersComponentTest(TimeProvider? clock = null) : base(clock) { }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var result = await Services.GetRequiredService<SetupService>().CompleteAsync(new SetupRequest
        {
            Email = AppHost.OwnerEmail, Password = AppHost.Password, SpaceName = "Co-Up", PublicBaseUrl = "https://space.example.com",
        }, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
    }

    /// <summary>The owner (staff) is looking, unless a test logs in someone else.</summary>
    protected void LogInAsOwner() => LogIn(AppHost.OwnerEmail, "owner-id", Roles.Owner);

    protected void LogIn(string email, string userId, params string[] roles)
    {
        Auth.SetAuthorized(email);
        Auth.SetRoles(roles);
        Auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));
        if (roles.Contains(Roles.Owner) || roles.Contains(Roles.Admin)) Auth.SetPolicies(Policies.Staff);
    }

    protected IRenderedComponent<T> RenderPage<T>(Action<ComponentParameterCollectionBuilder<T>>? parameters = null) where T : IComponent
    {
        RenderPopoverProvider();
        DialogHost = Render<MudDialogProvider>();
        return parameters is null ? Render<T>() : Render<T>(parameters);
    }

    /// <summary>Types into a MudBlazor field found by its data-testid (found and typed on the renderer, so no render slips in between).</summary>
    protected static void Fill<T>(IRenderedComponent<T> where, string testId, string value) where T : IComponent =>
        where.InvokeAsync(() => where.Find(FieldSelector(testId)).Input(value)).GetAwaiter().GetResult();

    /// <summary>Clicks the element with this data-testid, found and clicked on the renderer.</summary>
    protected static void Click<T>(IRenderedComponent<T> where, string testId) where T : IComponent =>
        where.InvokeAsync(() => where.Find($"[data-testid='{testId}']").Click()).GetAwaiter().GetResult();

    private static string FieldSelector(string testId) =>
        $"[data-testid='{testId}'] input, input[data-testid='{testId}'], [data-testid='{testId}'] textarea, textarea[data-testid='{testId}']";

    protected void FillDialog(string testId, string value) => DialogHost.WaitForAssertion(() => DialogHost.Find(FieldSelector(testId)).Input(value));

    /// <summary>The space's clock (Co-Up: UTC, Germany's date format), as the pages read it.</summary>
    protected Task<SpaceClock> SpaceClockAsync() => S.GetRequiredService<SpaceClockReader>().CurrentAsync();

    /// <summary>Types <paramref name="text"/> into a dialog's date field and leaves it, as a manager would.</summary>
    protected void TypeDayInDialog(string testId, string text)
    {
        DialogHost.WaitForElement($"input[data-testid='{testId}']");
        DialogHost.InvokeAsync(() => DialogHost.Find($"input[data-testid='{testId}']").Change(text)).GetAwaiter().GetResult();
    }

    /// <summary>Types <paramref name="day"/> into a dialog's date field the way the space writes days.</summary>
    protected async Task TypeDayInDialogAsync(string testId, DateOnly day)
    {
        var clock = await SpaceClockAsync();
        TypeDayInDialog(testId, day.ToString(clock.DateInputFormat, clock.Culture));
    }

    protected void ClickDialog(string testId) => DialogHost.WaitForAssertion(() => DialogHost.Find($"[data-testid='{testId}']").Click());

    /// <summary>Clicks the message box's button with this text (the confirmation of a destructive action).</summary>
    protected void Confirm(string buttonText) => DialogHost.WaitForAssertion(() =>
        DialogHost.FindAll("button").First(b => b.TextContent.Trim() == buttonText).Click());

    protected string DialogText => DialogHost.Markup;
}
