using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace EasySpace.Tests.Harness;

/// <summary>
/// Test hosts hash passwords with 1,000 PBKDF2 rounds instead of Identity's 100,000: each hash cost 50–100 ms of CPU,
/// and most hosts set up an owner and log in (docs/testing.md). A hash records its own round count, so checking a
/// password works the same; the product keeps Identity's default.
/// </summary>
public static class FastPasswordHashing
{
    public static IServiceCollection UseFastPasswordHashing(this IServiceCollection services) =>
        services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1_000);
}
