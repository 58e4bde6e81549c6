using System.Security.Claims;
using Hotline.Routing.Tickets;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Hotline.Host.Staff;

/// <summary>Adds the staff member's department and display name to the sign-in cookie, next to Identity's role claims.</summary>
public sealed class StaffClaimsFactory(UserManager<StaffUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<StaffUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(StaffUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(StaffPrincipal.DisplayNameClaim, user.DisplayName));
        if (user.DepartmentId is { Length: > 0 } department)
        {
            identity.AddClaim(new Claim(StaffPrincipal.DepartmentClaim, department));
        }
        return identity;
    }
}
