using System.Net;
using System.Text.RegularExpressions;
using EasySpace.Core.Data;
using EasySpace.Core.Identity;
using EasySpace.Tests.Api;
using EasySpace.Tests.Harness;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Access;

/// <summary>
/// The account page's two forms, posted as a browser posts them (antiforgery token and all): an admin changes their name
/// and their e-mail; bad input is answered on the page and changes nothing.
/// </summary>
public class OwnAccountTests(ApiFixture app) : IClassFixture<ApiFixture>
{
    private static int n;

    private async Task<(AppUser Admin, HttpClient Browser)> AdminAsync()
    {
        var email = $"self{Interlocked.Increment(ref n)}@example.com";
        var result = await app.Get<UserAdministration>().AddAdminAsync(new NewAccount(email, AppHost.Password, "Before Name"), false, "test");
        Assert.True(result.Succeeded, result.Errors.ToString());
        return (result.Value!, await app.LoggedInClientAsync(email));
    }

    /// <summary>Posts one of the account page's forms with the hidden fields the page gave that form.</summary>
    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string form, Dictionary<string, string> fields)
    {
        var html = await client.GetStringAsync("/Account/Manage");
        var markup = Regex.Matches(html, "<form[^>]*>.*?</form>", RegexOptions.Singleline).Select(m => m.Value)
            .Single(f => f.Contains($"value=\"{form}\""));
        foreach (Match hidden in Regex.Matches(markup, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\""))
            fields[hidden.Groups[1].Value] = WebUtility.HtmlDecode(hidden.Groups[2].Value);
        return await client.PostAsync("/Account/Manage", new FormUrlEncodedContent(fields));
    }

    private async Task<AppUser> ReloadAsync(string id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByIdAsync(id))!;
    }

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [Fact]
    public async Task The_account_page_shows_the_name_not_the_email_and_a_new_name_is_saved()
    {
        var (admin, browser) = await AdminAsync();
        Assert.Contains("<dd data-testid=\"account-name\">Before Name</dd>", await browser.GetStringAsync("/Account/Manage"));

        var saved = await PostAsync(browser, "change-name", new() { ["NameInput.Name"] = "  Ada Keller " });

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal("Ada Keller", (await ReloadAsync(admin.Id)).DisplayName);
        var page = WebUtility.HtmlDecode(await browser.GetStringAsync("/Account/Manage"));
        Assert.Contains("<dd data-testid=\"account-name\">Ada Keller</dd>", page);
        Assert.Contains("Your name is saved.", page);
    }

    [Theory]
    [InlineData("nothing", "", "Enter your name.")]
    [InlineData("only spaces", "   ", "Enter your name.")]
    [InlineData("201 characters", "x201", "Your name has at most 200 characters.")]
    [InlineData("a right-to-left override", "Ada \\u202EKeller", "Your name contains an invisible character or one that changes the direction of the text (U+202E)")]
    [InlineData("a zero-width space", "Ada\\u200BKeller", "Your name contains an invisible character or one that changes the direction of the text (U+200B)")]
    [InlineData("a joiner between letters", "Ada\\u200DKeller", "Your name contains an invisible character or one that changes the direction of the text (U+200D)")]
    public async Task A_bad_name_is_refused_under_its_field_and_the_old_one_kept(string tried, string name, string message)
    {
        var (admin, browser) = await AdminAsync();

        var response = await PostAsync(browser, "change-name",
            new() { ["NameInput.Name"] = name == "x201" ? new string('x', 201) : Regex.Unescape(name) });

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tried}: {(int)response.StatusCode}");
        Assert.Matches($"<div id=\"name-error\" class=\"field-error\">{Regex.Escape(message)}", await TextAsync(response));
        Assert.Equal("Before Name", (await ReloadAsync(admin.Id)).DisplayName);
    }

    [Fact]
    public async Task A_new_email_keeps_this_browser_logged_in_ends_the_other_sessions_and_is_logged()
    {
        var (admin, browser) = await AdminAsync();
        var phone = await app.LoggedInClientAsync(admin.Email!);
        var address = $"renamed{Interlocked.Increment(ref n)}@example.com";

        var changed = await PostAsync(browser, "change-email",
            new() { ["EmailInput.Email"] = address, ["EmailInput.CurrentPassword"] = AppHost.Password });

        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var user = await ReloadAsync(admin.Id);
        Assert.Equal((address, address), (user.Email, user.UserName));
        var page = await browser.GetAsync("/Account/Manage");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);                                     // this browser: still in, as the new address
        Assert.Contains($"<dd data-testid=\"account-email\">{address}</dd>", await page.Content.ReadAsStringAsync());
        var other = await phone.GetAsync("/Account/Manage");                                 // the other session: ended
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        Assert.StartsWith("/Account/Login", other.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        await app.LoggedInClientAsync(address);                                              // the new address logs in
        await using var db = await app.Get<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var entry = await db.ActivityLog.SingleAsync(e => e.Action == "account.email_changed" && e.Subject == address);
        Assert.Equal(admin.Email, entry.Actor);
        Assert.Contains($"from {admin.Email} to {address}", entry.Details);
    }

    [Theory]
    [InlineData("no address", "", "Email", "Enter an e-mail address.")]
    [InlineData("not an address", "ada at example", "Email", "Enter an e-mail address like name@example.com.")]
    [InlineData("a too long address", "long", "Email", "An e-mail address has at most 256 characters.")]
    [InlineData("a hidden character in the address", "ada\\u200B@example.com", "Email", "An e-mail address contains an invisible character or one that changes the direction of the text (U+200B).")]
    [InlineData("the owner's address", AppHost.OwnerEmail, "Email", "An account with this e-mail address already exists.")]
    [InlineData("the owner's address in capitals", "OWNER@EXAMPLE.COM", "Email", "An account with this e-mail address already exists.")]
    [InlineData("a wrong password", "fresh@example.com", "CurrentPassword", "Enter your current password to change your e-mail address.")]
    [InlineData("no password", "fresh@example.com", "CurrentPassword", "Enter your current password to change your e-mail address.")]
    public async Task A_bad_email_change_is_refused_under_its_field_and_changes_nothing(string tried, string email, string field, string message)
    {
        var (admin, browser) = await AdminAsync();
        var password = tried switch { "a wrong password" => "Wrong-pass1!", "no password" => "", _ => AppHost.Password };

        var response = await PostAsync(browser, "change-email", new()
        {
            ["EmailInput.Email"] = email == "long" ? new string('a', 245) + "@example.com" : Regex.Unescape(email),
            ["EmailInput.CurrentPassword"] = password,
        });

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{tried}: {(int)response.StatusCode}");
        var errorId = field == "Email" ? "email-error" : "password-error";
        Assert.Contains($"<div id=\"{errorId}\" class=\"field-error\">{message}", await TextAsync(response));
        Assert.Equal((admin.Email, admin.Email), ((await ReloadAsync(admin.Id)).Email, (await ReloadAsync(admin.Id)).UserName));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/Account/Manage")).StatusCode); // nothing ended the session
    }

    [Fact]
    public async Task The_same_address_again_is_not_a_change()
    {
        var (admin, browser) = await AdminAsync();

        var response = await PostAsync(browser, "change-email",
            new() { ["EmailInput.Email"] = admin.Email!, ["EmailInput.CurrentPassword"] = AppHost.Password });

        Assert.Contains("That is already your e-mail address.", await TextAsync(response));
    }

    [Fact]
    public async Task A_members_name_and_email_are_changed_on_their_membership_page_not_here()
    {
        var email = $"member{Interlocked.Increment(ref n)}@example.com";
        await app.AddUserAsync(email, Roles.Member);
        var member = await app.LoggedInClientAsync(email);
        await using var scope = app.Services.CreateAsyncScope();
        var id = (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Id;

        var page = await member.GetStringAsync("/Account/Manage");
        var refused = await app.Get<OwnAccount>().ChangeEmailAsync(id, "elsewhere@example.com", AppHost.Password);

        Assert.Contains("change them on your membership page", page);
        Assert.DoesNotContain("change-email", page);
        Assert.Equal("A member changes their name and e-mail on their membership page.", refused.Errors.For(""));
    }
}
