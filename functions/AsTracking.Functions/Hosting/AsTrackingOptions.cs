using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AsTracking.Functions.Hosting;

/// <summary>
/// Where the app finds its storage and keys. The same settings shape works in Azure (service URIs, managed
/// identity, Key Vault) and locally (the Azurite connection string and a development key ring).
/// </summary>
public sealed class AsTrackingOptions
{
    /// <summary>A connection string (Azurite locally). Empty in Azure, where service URIs are used.</summary>
    public string? StorageConnectionString { get; set; }
    public Uri? BlobServiceUri { get; set; }
    public Uri? QueueServiceUri { get; set; }
    public Uri? TableServiceUri { get; set; }
    /// <summary>The user-assigned managed identity's client id, when one is used.</summary>
    public string? ManagedIdentityClientId { get; set; }
    public Uri? KeyVaultUri { get; set; }
    public string? DevKeyRingFile { get; set; }
    public int TrainingValidityMonths { get; set; } = Core.Access.TrainingPolicy.DefaultValidityMonths;
    public bool IsDevelopment { get; set; }
    /// <summary>A published scoring model in the "models" container (R10); empty means the embedded default-v1.</summary>
    public string? ScoringModelBlob { get; set; }

    public bool UsesConnectionString => !string.IsNullOrWhiteSpace(StorageConnectionString);

    /// <summary>Reads the Functions-standard keys: AzureWebJobsStorage or AzureWebJobsStorage__*ServiceUri.</summary>
    public static AsTrackingOptions FromConfiguration(IConfiguration configuration, bool isDevelopment)
    {
        var options = new AsTrackingOptions();
        Read(configuration, isDevelopment, options);
        return options;
    }

    /// <summary>Fills <paramref name="target"/>; also the options pipeline's Configure step, so both read alike.</summary>
    public static void Read(IConfiguration configuration, bool isDevelopment, AsTrackingOptions target)
    {
        var storage = configuration.GetSection("AzureWebJobsStorage");
        target.StorageConnectionString = storage.Value;
        target.BlobServiceUri = Uri(storage["blobServiceUri"]);
        target.QueueServiceUri = Uri(storage["queueServiceUri"]);
        target.TableServiceUri = Uri(storage["tableServiceUri"]);
        target.ManagedIdentityClientId = storage["clientId"];
        target.KeyVaultUri = Uri(configuration["KeyVault:Uri"]);
        target.DevKeyRingFile = configuration["KeyVault:DevKeyRingFile"];
        target.TrainingValidityMonths = int.TryParse(configuration["AsTracking:TrainingValidityMonths"], out var months)
            ? months
            : Core.Access.TrainingPolicy.DefaultValidityMonths;
        target.IsDevelopment = isDevelopment;
        target.ScoringModelBlob = configuration["Scoring:ModelBlob"];
    }

    private static Uri? Uri(string? value) => System.Uri.TryCreate(value, UriKind.Absolute, out var u) ? u : null;
}

/// <summary>Fails start-up with a message that names the missing setting, instead of failing the first request.</summary>
public sealed class AsTrackingOptionsValidator : IValidateOptions<AsTrackingOptions>
{
    public ValidateOptionsResult Validate(string? name, AsTrackingOptions o)
    {
        var failures = new List<string>();
        if (!o.UsesConnectionString && (o.BlobServiceUri is null || o.QueueServiceUri is null || o.TableServiceUri is null))
        {
            failures.Add("Storage is not configured: set AzureWebJobsStorage (a connection string) or AzureWebJobsStorage__blobServiceUri, __queueServiceUri and __tableServiceUri.");
        }
        if (o.KeyVaultUri is null && !o.IsDevelopment)
        {
            failures.Add("KeyVault__Uri is required outside Development: the key-encryption and HMAC keys live in Key Vault (R19).");
        }
        if (o.TrainingValidityMonths is < 1 or > 120)
        {
            failures.Add("AsTracking__TrainingValidityMonths must be 1-120.");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
