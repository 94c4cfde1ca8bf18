using AsTracking.Local;

namespace AsTracking.DevHost;

/// <summary>
/// The development identity and settings the DevHost applies when they are not already configured. The token
/// command and the tests use the same values, so a minted token is accepted by a DevHost started with defaults.
/// None of these values is a secret: the signing key is generated per machine under <c>&lt;repo&gt;/.devhost/</c>.
/// </summary>
public static class DevDefaults
{
    public const string EnvironmentName = "Development";
    public const string Url = "http://127.0.0.1:7071";

    public const string Instance = "https://login.microsoftonline.com/";
    /// <summary>Multi-tenant app: any organisation's Entra ID tenant.</summary>
    public const string TenantId = "organizations";
    public const string ClientId = "a5a5a5a5-0000-4000-8000-000000000001";
    /// <summary>The delegated scope staff front ends request.</summary>
    public const string Scope = "access_as_user";

    public static readonly Guid TenantA = Guid.Parse("a5a5a5a5-0000-4000-8000-0000000000aa");
    public static readonly Guid TenantB = Guid.Parse("a5a5a5a5-0000-4000-8000-0000000000bb");
    /// <summary>Tenants whose dev-signed tokens are accepted, comma separated as in configuration.</summary>
    public const string DevTenantIds = "a5a5a5a5-0000-4000-8000-0000000000aa,a5a5a5a5-0000-4000-8000-0000000000bb";

    public const string DirectoryName = ".devhost";
    public const string PrivateKeyFileName = "dev-signing-key.pem";
    public const string PublicKeyFileName = "dev-signing-key.pub.pem";
    public const string KeyRingFileName = "keyring.json";

    /// <summary>Entra ID v2.0 issuer for a tenant: <c>https://login.microsoftonline.com/{tid}/v2.0</c>.</summary>
    public static string Issuer(Guid tenantId) => $"{Instance}{tenantId:D}/v2.0";

    /// <summary>Repository root (package.json next to host.json), searched upwards from the binaries, then from the working directory.</summary>
    public static string FindRepositoryRoot() =>
        AzuriteProcess.FindRepositoryRoot(AppContext.BaseDirectory)
        ?? AzuriteProcess.FindRepositoryRoot(Directory.GetCurrentDirectory())
        ?? throw new InvalidOperationException(
            "Cannot find the repository root (a folder with package.json next to host.json) above "
            + AppContext.BaseDirectory + " or " + Directory.GetCurrentDirectory() + ".");

    /// <summary><c>&lt;repo&gt;/.devhost</c>, ignored by git.</summary>
    public static string DevDirectory(string repositoryRoot) => Path.Combine(repositoryRoot, DirectoryName);

    public static string PrivateKeyPath(string repositoryRoot) => Path.Combine(DevDirectory(repositoryRoot), PrivateKeyFileName);

    public static string PublicKeyPath(string repositoryRoot) => Path.Combine(DevDirectory(repositoryRoot), PublicKeyFileName);

    public static string KeyRingPath(string repositoryRoot) => Path.Combine(DevDirectory(repositoryRoot), KeyRingFileName);

    /// <summary>
    /// The configuration defaults (keys in <c>Section:Key</c> form). The DevHost adds them as its lowest-priority
    /// source, so environment variables, command line, user secrets and test overrides win.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Configuration(string repositoryRoot) => new Dictionary<string, string?>
    {
        ["AzureAd:Instance"] = Instance,
        ["AzureAd:TenantId"] = TenantId,
        ["AzureAd:ClientId"] = ClientId,
        ["AzureAd:DevSigningKeyPemFile"] = PublicKeyPath(repositoryRoot),
        ["AzureAd:DevTenantIds"] = DevTenantIds,
        ["KeyVault:DevKeyRingFile"] = KeyRingPath(repositoryRoot),
    };
}
