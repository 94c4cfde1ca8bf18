using System.Text.Json.Nodes;
using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

/// <summary>Least privilege: each identity gets only the data roles it needs, and every grant is one of a fixed set.</summary>
[Collection(BicepCollection.Name)]
public sealed class RoleAssignmentTests(CompiledTemplate template)
{
    private const string StorageBlobDataOwner = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b";
    private const string StorageQueueDataContributor = "974c5e8b-45b9-4653-ba55-5f855dd0fb88";
    private const string StorageTableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";
    private const string KeyVaultSecretsUser = "4633458b-17de-408a-b874-0445c86b69e6";
    private const string KeyVaultCryptoServiceEncryptionUser = "e147488a-f6f5-4113-8e2d-b22465e65bf6";
    private const string MonitoringMetricsPublisher = "3913510d-42f4-4e42-8a64-420c390055eb";
    // Only for the deploying principal, so that the postprovision hook can seed the two app secrets.
    private const string KeyVaultSecretsOfficer = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7";

    private static readonly HashSet<string> Allowed =
    [
        StorageBlobDataOwner, StorageQueueDataContributor, StorageTableDataContributor, KeyVaultSecretsUser,
        KeyVaultCryptoServiceEncryptionUser, MonitoringMetricsPublisher, KeyVaultSecretsOfficer,
    ];

    private List<ArmResource> Assignments => template.OfType("Microsoft.Authorization/roleAssignments").ToList();

    private static string RoleOf(ArmResource assignment)
    {
        var guids = Json.Guids(assignment.Properties["roleDefinitionId"].Str("roleDefinitionId"));
        Assert.True(guids.Count == 1, "A role assignment must name one fixed role: " + assignment.Text);
        return guids[0];
    }

    private ArmResource AssignmentOf(string role) => Assert.Single(Assignments, a => RoleOf(a) == role);

    private JsonObject ModuleParameters(string module) => template.Module(module)["properties"]!["parameters"]!.AsObject();

    [Fact]
    public void Every_role_assignment_grants_one_role_from_the_allowed_set()
    {
        Assert.NotEmpty(Assignments);
        Assert.All(Assignments, a => Assert.Contains(RoleOf(a), Allowed));
        Assert.Equal(Allowed.Order(), Assignments.Select(RoleOf).Distinct().Order());
    }

    [Fact]
    public void Role_assignment_names_are_guids_of_scope_principal_and_role()
    {
        Assert.All(Assignments, a =>
        {
            var name = a.Resource["name"].Str("name");
            Assert.StartsWith("[guid(", name);
            var principal = a.Properties["principalId"].Str("principalId").Trim('[', ']');
            Assert.Contains(principal, name);
            Assert.Contains(RoleOf(a), name);
        });
    }

    [Fact]
    public void Role_assignments_state_the_principal_type()
    {
        Assert.All(Assignments, a => Assert.False(string.IsNullOrEmpty(a.Properties["principalType"].Str("principalType"))));
    }

    [Fact]
    public void App_identity_gets_the_storage_data_roles_secrets_user_and_metrics_publisher()
    {
        Assert.Contains("'api-identity'", ModuleParameters("storage")["dataContributors"]!["value"].Text());
        Assert.Contains("'api-identity'", ModuleParameters("key-vault")["secretReaders"]!["value"].Text());
        Assert.Contains("'api-identity'", ModuleParameters("monitoring")["metricsPublishers"]!["value"].Text());

        Assert.Contains("parameters('dataContributors')", AssignmentOf(StorageBlobDataOwner).Properties["principalId"].Str("principalId"));
        Assert.Contains("parameters('secretReaders')", AssignmentOf(KeyVaultSecretsUser).Properties["principalId"].Str("principalId"));
        Assert.Contains("parameters('metricsPublishers')", AssignmentOf(MonitoringMetricsPublisher).Properties["principalId"].Str("principalId"));
    }

    [Fact]
    public void Only_the_storage_identity_may_use_the_encryption_key_and_only_that_key()
    {
        var users = ModuleParameters("key-vault")["encryptionKeyUsers"]!["value"].Text();
        Assert.Contains("'storage-identity'", users);
        Assert.DoesNotContain("'api-identity'", users);

        var assignment = AssignmentOf(KeyVaultCryptoServiceEncryptionUser);
        Assert.Contains("parameters('encryptionKeyUsers')", assignment.Properties["principalId"].Str("principalId"));
        Assert.Contains("Microsoft.KeyVault/vaults/keys", assignment.Resource["scope"].Str("scope"));
    }

    [Fact]
    public void Secrets_officer_goes_only_to_the_deploying_principal_and_only_when_there_is_one()
    {
        Assert.Equal("[variables('deployer')]", ModuleParameters("key-vault")["secretOfficers"]!["value"].Str("secretOfficers"));
        Assert.Contains("parameters('secretOfficers')", AssignmentOf(KeyVaultSecretsOfficer).Properties["principalId"].Str("principalId"));

        var deployer = template.Root["variables"]!["deployer"].Str("deployer");
        Assert.StartsWith("[if(empty(parameters('principalId')), createArray()", deployer);
        Assert.Contains("variables('deployer')", ModuleParameters("storage")["dataContributors"]!["value"].Text());
    }
}
