using Microsoft.AspNetCore.Identity;

namespace EasySpace.Core.Identity;

/// <summary>Anyone who logs in: the owner, admins and members.</summary>
public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
