using System.Security.Claims;
using AsTracking.Core;
using AsTracking.Core.Access;
using AsTracking.Core.Errors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;

namespace AsTracking.Functions.Identity;

/// <summary>
/// The shared authorization step every non-anonymous HTTP function calls first. It runs the Microsoft.Identity.Web
/// JwtBearer handler explicitly (no worker middleware, so the DevHost and direct test calls behave the same) and
/// maps (tid, oid) and the Platform.Admin app role into a <see cref="Caller"/> (R4).
/// </summary>
public sealed class RequestAuthenticator
{
    public const string PlatformAdminRole = "Platform.Admin";

    private static readonly string[] TenantClaims = ["tid", "http://schemas.microsoft.com/identity/claims/tenantid"];
    private static readonly string[] ObjectClaims = ["oid", "http://schemas.microsoft.com/identity/claims/objectidentifier"];
    private static readonly string[] RoleClaims = ["roles", ClaimTypes.Role];

    public async Task<Caller> AuthenticateAsync(HttpRequest request)
    {
        if (!request.Headers.Authorization.Any(h => h is not null && h.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)))
        {
            throw new UnauthenticatedException();
        }
        var result = await request.HttpContext.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is null)
        {
            throw new UnauthenticatedException();
        }
        var principal = result.Principal;
        var tenant = First(principal, TenantClaims);
        var objectId = First(principal, ObjectClaims);
        if (!Ids.IsGuid(tenant) || !Ids.IsGuid(objectId))
        {
            throw new UnauthenticatedException("The token must identify a tenant (tid) and a user (oid).");
        }
        var isAdmin = RoleClaims.Any(type => principal.FindAll(type).Any(c => c.Value == PlatformAdminRole));
        request.HttpContext.User = principal;
        return new Caller(tenant!.ToLowerInvariant(), objectId!.ToLowerInvariant(), isAdmin);
    }

    private static string? First(ClaimsPrincipal principal, string[] types) =>
        types.Select(t => principal.FindFirst(t)?.Value).FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
