using System.Security.Claims;
using EasySpace.Web.Components.Account;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Web.Access;

/// <summary>
/// The session check before each message from the browser waits on the database, which on PostgreSQL really waits: a
/// message whose check finishes first must still not overtake one the browser sent before it (a click overtaking the
/// keystroke typed just before found the box empty, in CI's PostgreSQL pass).
/// </summary>
public class SessionCheckOrderTests
{
    /// <summary>Hands out the authentication states the test releases, one per check, in the order asked.</summary>
    private sealed class HeldStates : AuthenticationStateProvider
    {
        public readonly Queue<Task<AuthenticationState>> States = new();
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => States.Dequeue();
    }

    private sealed class Navigation : NavigationManager
    {
        public readonly List<string> Went = [];
        public Navigation() => Initialize("http://127.0.0.1/", "http://127.0.0.1/members");
        protected override void NavigateToCore(string uri, bool forceLoad) => Went.Add(uri);
    }

    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));

    [Fact]
    public async Task A_message_whose_check_ends_first_waits_for_the_one_sent_before_it()
    {
        var states = new HeldStates();
        var typed = new TaskCompletionSource<AuthenticationState>();
        states.States.Enqueue(typed.Task);                       // the keystroke's check waits on the database...
        states.States.Enqueue(Task.FromResult(Anonymous));      // ...the click's is done at once
        using var services = new ServiceCollection().BuildServiceProvider();
        var handler = new SessionCheckCircuitHandler(states, new Navigation(), services.GetRequiredService<IServiceScopeFactory>());
        var order = new List<string>();
        var keystroke = handler.CreateInboundActivityHandler(_ => { order.Add("keystroke"); return Task.CompletedTask; });
        var click = handler.CreateInboundActivityHandler(_ => { order.Add("click"); return Task.CompletedTask; });

        var first = keystroke(null!);
        var second = click(null!);
        Assert.Empty(order);
        Assert.False(second.IsCompleted);     // checked, and held behind the keystroke

        typed.SetResult(Anonymous);
        await Task.WhenAll(first, second);
        Assert.Equal(["keystroke", "click"], order);
    }

    [Fact]
    public async Task A_long_running_action_does_not_hold_up_the_messages_after_it()
    {
        // A click whose action awaits the browser (a JS call) must let that call's answer through, or the page would hang.
        var states = new HeldStates();
        states.States.Enqueue(Task.FromResult(Anonymous));
        states.States.Enqueue(Task.FromResult(Anonymous));
        using var services = new ServiceCollection().BuildServiceProvider();
        var handler = new SessionCheckCircuitHandler(states, new Navigation(), services.GetRequiredService<IServiceScopeFactory>());
        var answer = new TaskCompletionSource();
        var click = handler.CreateInboundActivityHandler(_ => answer.Task);
        var jsAnswer = handler.CreateInboundActivityHandler(_ => { answer.SetResult(); return Task.CompletedTask; });

        var clicked = click(null!);
        await jsAnswer(null!);
        await clicked;
        Assert.True(answer.Task.IsCompleted);
    }
}
