using System.Text.Json.Nodes;
using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

[Collection(BicepCollection.Name)]
public sealed class FunctionAppTests(CompiledTemplate template)
{
    private ArmResource Site => template.Single("Microsoft.Web/sites");

    private JsonObject FunctionAppConfig => Site.Properties["functionAppConfig"]!.AsObject();

    private JsonObject AppSettings => template.OfType("Microsoft.Web/sites/config")
        .Single(c => c.Resource["name"].Str("name").Contains("'appsettings'", StringComparison.Ordinal)).Properties;

    private JsonObject ApiParameters => template.Module("api")["properties"]!["parameters"]!.AsObject();

    [Fact]
    public void Function_app_runs_on_a_Flex_Consumption_FC1_Linux_plan()
    {
        var plan = template.Single("Microsoft.Web/serverfarms");
        Assert.Equal("FC1", plan.Resource["sku"]!["name"].Str("sku.name"));
        Assert.Equal("FlexConsumption", plan.Resource["sku"]!["tier"].Str("sku.tier"));
        Assert.True(plan.Properties["reserved"].Bool("reserved"));
        Assert.Equal("functionapp,linux", Site.Resource["kind"].Str("kind"));
    }

    [Fact]
    public void Function_app_runtime_is_dotnet_isolated_version_10_0_not_10()
    {
        var runtime = FunctionAppConfig["runtime"]!;
        Assert.Equal("dotnet-isolated", runtime["name"].Str("runtime.name"));
        Assert.Equal("10.0", runtime["version"].Str("runtime.version"));
    }

    [Fact]
    public void Function_app_scale_out_has_a_cost_ceiling()
    {
        var scale = FunctionAppConfig["scaleAndConcurrency"]!;
        Assert.Equal("[parameters('maximumInstanceCount')]", scale["maximumInstanceCount"].Str("maximumInstanceCount"));
        Assert.Equal("[parameters('maximumInstanceCount')]", ApiParameters["maximumInstanceCount"]!["value"].Str("maximumInstanceCount"));

        var ceiling = template.Root["parameters"]!["maximumInstanceCount"]!;
        Assert.Equal(40, ceiling["defaultValue"].Int("defaultValue"));
        Assert.True(ceiling["maxValue"].Int("maxValue") <= 1000);
    }

    [Fact]
    public void Function_app_runs_under_its_user_assigned_identity_and_deploys_with_it()
    {
        var identity = Site.Resource["identity"]!.AsObject();
        Assert.Equal("UserAssigned", identity["type"].Str("identity.type"));
        var attached = Assert.Single(identity["userAssignedIdentities"]!.AsObject()).Key;
        Assert.Equal("[format('{0}', parameters('identityResourceId'))]", attached);

        var deployment = FunctionAppConfig["deployment"]!["storage"]!;
        Assert.Equal("blobContainer", deployment["type"].Str("deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", deployment["authentication"]!["type"].Str("authentication.type"));
        Assert.Equal("[parameters('identityResourceId')]", deployment["authentication"]!["userAssignedIdentityResourceId"].Str("userAssignedIdentityResourceId"));
        Assert.Null(deployment["authentication"]!["storageAccountConnectionStringName"]);

        Assert.Contains("'api-identity'", ApiParameters["identityResourceId"]!["value"].Str("identityResourceId"));
        Assert.Contains("'api-identity'", ApiParameters["identityClientId"]!["value"].Str("identityClientId"));
    }

    [Fact]
    public void Function_app_storage_settings_are_identity_based_with_no_connection_string_R19()
    {
        Assert.Equal("[parameters('blobEndpoint')]", AppSettings["AzureWebJobsStorage__blobServiceUri"].Str("blobServiceUri"));
        Assert.Equal("[parameters('queueEndpoint')]", AppSettings["AzureWebJobsStorage__queueServiceUri"].Str("queueServiceUri"));
        Assert.Equal("[parameters('tableEndpoint')]", AppSettings["AzureWebJobsStorage__tableServiceUri"].Str("tableServiceUri"));
        Assert.Equal("managedidentity", AppSettings["AzureWebJobsStorage__credential"].Str("credential"));
        Assert.Equal("[parameters('identityClientId')]", AppSettings["AzureWebJobsStorage__clientId"].Str("clientId"));
        // The plain AzureWebJobsStorage key is the connection-string form; the app would then ignore the URIs.
        Assert.Null(AppSettings["AzureWebJobsStorage"]);
        Assert.DoesNotContain(AppSettings, s => s.Key.EndsWith("ConnectionString", StringComparison.OrdinalIgnoreCase) && s.Key.StartsWith("AzureWebJobs", StringComparison.Ordinal));
    }

    [Fact]
    public void Function_app_settings_are_exactly_the_ones_the_app_reads()
    {
        string[] expected =
        [
            "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri", "AzureWebJobsStorage__tableServiceUri",
            "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "KeyVault__Uri",
            "AzureAd__Instance", "AzureAd__TenantId", "AzureAd__ClientId", "AzureAd__Scope",
            "AsTracking__TrainingValidityMonths",
            "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        ];
        Assert.Equal(expected.Order(), AppSettings.Select(s => s.Key).Order());

        // Development-only settings never reach Azure (R4).
        Assert.DoesNotContain(AppSettings, s => s.Key.Contains("Dev", StringComparison.Ordinal));
        Assert.Contains("'key-vault'", ApiParameters["keyVaultUri"]!["value"].Str("keyVaultUri"));
        Assert.Equal("[parameters('azureAdClientId')]", ApiParameters["azureAdClientId"]!["value"].Str("azureAdClientId"));
    }

    [Fact]
    public void Entra_instance_defaults_to_the_login_endpoint_of_the_cloud_and_the_scope_to_access_as_user()
    {
        var parameters = template.Root["parameters"]!;
        Assert.Equal("[environment().authentication.loginEndpoint]", parameters["azureAdInstance"]!["defaultValue"].Str("azureAdInstance"));
        Assert.Equal("access_as_user", parameters["azureAdScope"]!["defaultValue"].Str("azureAdScope"));
        Assert.Null(parameters["azureAdClientId"]!["defaultValue"]);
    }

    [Fact]
    public void Nothing_in_the_template_builds_a_connection_string_with_a_key()
    {
        foreach (var forbidden in new[] { "listKeys(", "AccountKey", "SharedAccessSignature", "DefaultEndpointsProtocol", "listAccountSas(" })
        {
            Assert.DoesNotContain(forbidden, template.Json, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void Telemetry_goes_to_Application_Insights_with_Entra_authentication_only()
    {
        var component = template.Single("Microsoft.Insights/components").Properties;
        Assert.True(component["DisableLocalAuth"].Bool("DisableLocalAuth"));
        Assert.Equal("[format('ClientId={0};Authorization=AAD', parameters('identityClientId'))]",
            AppSettings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"].Str("APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
        Assert.False(string.IsNullOrEmpty(component["WorkspaceResourceId"].Str("WorkspaceResourceId")));
    }

    [Fact]
    public void Function_app_requires_HTTPS_and_TLS_1_2_and_refuses_basic_publishing_credentials()
    {
        Assert.True(Site.Properties["httpsOnly"].Bool("httpsOnly"));
        var siteConfig = Site.Properties["siteConfig"]!;
        Assert.Equal("1.2", siteConfig["minTlsVersion"].Str("minTlsVersion"));
        Assert.Equal("Disabled", siteConfig["ftpsState"].Str("ftpsState"));

        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.False(p.Properties["allow"].Bool("allow")));
    }

    [Fact]
    public void Function_app_is_tagged_for_azd_as_the_api_service()
    {
        Assert.Contains("'azd-service-name', parameters('serviceName')", Site.Resource["tags"].Str("tags"));
        Assert.Equal("api", ApiParameters["serviceName"]!["value"].Str("serviceName"));
    }
}
