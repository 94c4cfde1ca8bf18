using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

/// <summary>R19: the key-encryption and HMAC keys, and the storage encryption key, live in Key Vault.</summary>
[Collection(BicepCollection.Name)]
public sealed class KeyVaultPostureTests(CompiledTemplate template)
{
    private ArmResource Vault => template.Single("Microsoft.KeyVault/vaults");

    [Fact]
    public void Key_Vault_uses_RBAC_authorization_not_access_policies()
    {
        Assert.True(Vault.Properties["enableRbacAuthorization"].Bool("enableRbacAuthorization"));
        Assert.Null(Vault.Properties["accessPolicies"]);
    }

    [Fact]
    public void Key_Vault_has_soft_delete_and_purge_protection_so_keys_cannot_be_lost_R19()
    {
        Assert.True(Vault.Properties["enableSoftDelete"].Bool("enableSoftDelete"));
        Assert.True(Vault.Properties["enablePurgeProtection"].Bool("enablePurgeProtection"));
        var retention = template.Root["parameters"]!["keyVaultSoftDeleteRetentionInDays"]!;
        Assert.True(retention["minValue"].Int("minValue") >= 7);
    }

    [Fact]
    public void Key_Vault_public_network_access_is_a_parameter()
    {
        Assert.Equal("[parameters('publicNetworkAccess')]", Vault.Properties["publicNetworkAccess"].Str("publicNetworkAccess"));
        var allowed = template.Root["parameters"]!["keyVaultPublicNetworkAccess"]!["allowedValues"]!.AsArray()
            .Select(v => v.Str("allowed value")).ToList();
        Assert.Equal(["Enabled", "Disabled"], allowed);
        var passed = template.Module("key-vault")["properties"]!["parameters"]!["publicNetworkAccess"]!["value"];
        Assert.Equal("[parameters('keyVaultPublicNetworkAccess')]", passed.Str("publicNetworkAccess"));
    }

    [Fact]
    public void Key_Vault_is_not_open_to_VM_or_template_deployments()
    {
        Assert.False(Vault.Properties["enabledForDeployment"].Bool("enabledForDeployment"));
        Assert.False(Vault.Properties["enabledForTemplateDeployment"].Bool("enabledForTemplateDeployment"));
        Assert.False(Vault.Properties["enabledForDiskEncryption"].Bool("enabledForDiskEncryption"));
    }

    [Fact]
    public void Key_Vault_and_storage_audit_logs_go_to_Log_Analytics_R18()
    {
        var settings = template.OfType("Microsoft.Insights/diagnosticSettings").ToList();
        Assert.Contains(settings, s => s.Module.EndsWith("/key-vault", StringComparison.Ordinal));
        Assert.Contains(settings, s => s.Module.EndsWith("/storage", StringComparison.Ordinal));
        Assert.All(settings, s => Assert.Contains("\"categoryGroup\":\"audit\"", s.Text));
    }
}
