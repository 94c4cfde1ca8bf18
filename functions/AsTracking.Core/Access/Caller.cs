namespace AsTracking.Core.Access;

/// <summary>The authenticated caller: Entra tenant and object id (R4) and the app role from the token's roles.</summary>
public sealed record Caller(string TenantId, string ObjectId, bool IsPlatformAdmin)
{
    public string Actor => $"{TenantId}/{ObjectId}";
}
