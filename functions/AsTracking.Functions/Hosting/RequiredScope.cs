using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace AsTracking.Functions.Hosting;

/// <summary>
/// Microsoft.Identity.Web already rejects tokens with neither scp nor roles (IDW10201). This adds that a delegated
/// token must carry this API's scope, so a token issued for another API of the same tenant does not pass.
/// </summary>
public sealed class RequiredScope(string scope) : IPostConfigureOptions<JwtBearerOptions>
{
    public void PostConfigure(string? name, JwtBearerOptions options)
    {
        if (name != JwtBearerDefaults.AuthenticationScheme) return;
        var previous = options.Events?.OnTokenValidated;
        options.Events ??= new JwtBearerEvents();
        options.Events.OnTokenValidated = async context =>
        {
            if (previous is not null) await previous(context).ConfigureAwait(false);
            if (context.Result is { Failure: not null }) return;
            var principal = context.Principal;
            var scp = principal?.FindFirst("scp")?.Value ?? principal?.FindFirst("http://schemas.microsoft.com/identity/claims/scope")?.Value;
            if (scp is not null && !scp.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal))
            {
                context.Fail("The token does not carry this API's scope.");
            }
        };
    }
}
