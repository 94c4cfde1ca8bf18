using System.Text.Json.Nodes;
using AsTracking.Infra.Tests.Support;
using AsTracking.Storage.Tables;

namespace AsTracking.Infra.Tests;

/// <summary>R19: in Azure the storage account uses Key Vault customer-managed keys, has shared-key access disabled,
/// and the app reaches it through managed identity.</summary>
[Collection(BicepCollection.Name)]
public sealed class StoragePostureTests(CompiledTemplate template)
{
    private ArmResource Account => template.Single("Microsoft.Storage/storageAccounts");

    private JsonObject Encryption => Account.Properties["encryption"]!.AsObject();

    [Fact]
    public void Storage_account_disables_shared_key_access_so_only_Entra_identities_get_in_R19()
    {
        Assert.False(Account.Properties["allowSharedKeyAccess"].Bool("allowSharedKeyAccess"));
        Assert.True(Account.Properties["defaultToOAuthAuthentication"].Bool("defaultToOAuthAuthentication"));
    }

    [Fact]
    public void Storage_account_requires_TLS_1_2_and_HTTPS()
    {
        Assert.Equal("TLS1_2", Account.Properties["minimumTlsVersion"].Str("minimumTlsVersion"));
        Assert.True(Account.Properties["supportsHttpsTrafficOnly"].Bool("supportsHttpsTrafficOnly"));
    }

    [Fact]
    public void Storage_account_allows_no_public_blob_access_and_every_container_is_private()
    {
        Assert.False(Account.Properties["allowBlobPublicAccess"].Bool("allowBlobPublicAccess"));
        var containers = template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.Properties["publicAccess"].Str("publicAccess")));
    }

    [Fact]
    public void Storage_is_encrypted_with_the_Key_Vault_key_through_a_user_assigned_identity_R19()
    {
        Assert.Equal("Microsoft.Keyvault", Encryption["keySource"].Str("keySource"), ignoreCase: true);
        var keyVault = Encryption["keyvaultproperties"]!.AsObject();
        Assert.False(string.IsNullOrWhiteSpace(keyVault["keyname"].Str("keyname")));
        Assert.False(string.IsNullOrWhiteSpace(keyVault["keyvaulturi"].Str("keyvaulturi")));
        Assert.Null(keyVault["keyversion"]); // no pinned version: the account follows key rotation

        // The identity that reads the key is a user-assigned identity attached to the account.
        var identity = Account.Resource["identity"]!.AsObject();
        Assert.Equal("UserAssigned", identity["type"].Str("identity.type"));
        var encryptionIdentity = Encryption["identity"]!["userAssignedIdentity"].Str("encryption.identity.userAssignedIdentity");
        var attached = identity["userAssignedIdentities"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Equal(["[format('{0}', " + encryptionIdentity.Trim('[', ']') + ")]"], attached);

        // main.bicep wires the key from the Key Vault module and the storage account's own identity.
        var parameters = template.Module("storage")["properties"]!["parameters"]!.AsObject();
        Assert.Contains("'key-vault'", parameters["keyVaultUri"]!["value"].Str("keyVaultUri"));
        Assert.Contains("'key-vault'", parameters["encryptionKeyName"]!["value"].Str("encryptionKeyName"));
        Assert.Contains("'storage-identity'", parameters["encryptionIdentityResourceId"]!["value"].Str("encryptionIdentityResourceId"));
    }

    [Theory]
    [InlineData("blob")]
    [InlineData("queue")]
    [InlineData("table")]
    [InlineData("file")]
    public void Every_storage_service_including_queues_and_tables_uses_the_customer_managed_key_R19(string service)
    {
        var settings = Encryption["services"]![service]!.AsObject();
        Assert.True(settings["enabled"].Bool($"{service}.enabled"));
        // Queues and tables default to a service-managed key unless keyType is Account, fixed at creation.
        Assert.Equal("Account", settings["keyType"].Str($"{service}.keyType"));
    }

    [Fact]
    public void Storage_requires_infrastructure_encryption_R19()
    {
        Assert.True(Encryption["requireInfrastructureEncryption"].Bool("requireInfrastructureEncryption"));
    }

    [Fact]
    public void Storage_encryption_key_is_an_RSA_key_that_rotates()
    {
        var key = template.Single("Microsoft.KeyVault/vaults/keys").Properties;
        Assert.Equal("RSA", key["kty"].Str("kty"));
        Assert.True(key["keySize"].Int("keySize") >= 2048);
        var actions = key["rotationPolicy"]!["lifetimeActions"]!.AsArray()
            .Select(a => a!["action"]!["type"].Str("action.type")).ToList();
        Assert.Contains("rotate", actions, StringComparer.OrdinalIgnoreCase);
    }

    [Fact]
    public void Blob_versioning_and_soft_delete_are_on_and_previous_versions_expire()
    {
        var blobService = template.Single("Microsoft.Storage/storageAccounts/blobServices").Properties;
        Assert.True(blobService["isVersioningEnabled"].Bool("isVersioningEnabled"));
        Assert.True(blobService["deleteRetentionPolicy"]!["enabled"].Bool("deleteRetentionPolicy.enabled"));
        Assert.True(blobService["containerDeleteRetentionPolicy"]!["enabled"].Bool("containerDeleteRetentionPolicy.enabled"));

        var lifecycle = template.Single("Microsoft.Storage/storageAccounts/managementPolicies").Text;
        Assert.Contains("\"version\":{\"delete\"", lifecycle);
    }

    [Fact]
    public void Storage_declares_the_tables_and_containers_the_app_uses()
    {
        var variables = template.Root["variables"]!.AsObject();
        var tables = variables["appTables"]!.AsArray().Select(t => t.Str("table")).ToList();
        Assert.Equal(
            new[] { StorageNames.SchoolsTable, StorageNames.StaffIndexTable, StorageNames.DueIndexTable, StorageNames.AuditTable }.Order(),
            tables.Order());

        var containers = variables["appContainers"]!.AsArray().Select(c => c.Str("container")).ToList();
        Assert.Contains(StorageNames.RollImportsContainer, containers);
        Assert.Subset(containers.ToHashSet(), new HashSet<string> { "submissions", "models", "transfer-packages", "handover-packages", "exports" });

        var storage = template.Module("storage")["properties"]!["parameters"]!.AsObject();
        Assert.Equal("[variables('appTables')]", storage["tables"]!["value"].Str("tables"));
        var declared = storage["containers"]!["value"].Str("containers");
        Assert.Contains("variables('appContainers')", declared);
        Assert.Contains("variables('deploymentContainerName')", declared);
    }

    [Fact]
    public void Storage_declares_each_app_queue_with_its_poison_queue()
    {
        var queues = template.Root["variables"]!["appQueues"]!.AsArray().Select(q => q.Str("queue")).ToList();
        Assert.Equal(["assessment-scoring", "pastoral-alerts", "transfers", "transfer-notifications"], queues);

        var declared = template.Module("storage")["properties"]!["parameters"]!["queues"]!["value"].Str("queues");
        Assert.Contains("variables('appQueues')", declared);
        Assert.Contains("-poison", declared);
    }

    [Fact]
    public void Flex_Consumption_deployment_package_has_its_own_container()
    {
        var name = template.Root["variables"]!["deploymentContainerName"].Str("deploymentContainerName");
        Assert.StartsWith("[format('app-package-", name);
        var api = template.Module("api")["properties"]!["parameters"]!.AsObject();
        Assert.Equal("[variables('deploymentContainerName')]", api["deploymentContainerName"]!["value"].Str("deploymentContainerName"));
    }
}
