using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

/// <summary>The same checks as infra/check.sh, so that `dotnet test` alone catches a regression.</summary>
[Collection(BicepCollection.Name)]
public sealed class BicepToolingTests(CompiledTemplate template)
{
    [Fact]
    public void Bicep_build_reports_no_warnings()
    {
        Assert.DoesNotMatch(": (Warning|Error) ", template.BuildOutput);
    }

    [Fact]
    public void Bicep_lint_reports_no_findings()
    {
        var (exitCode, output) = BicepCli.Run("lint", Repository.PathOf("infra", "main.bicep"));
        Assert.True(exitCode == 0, output);
        Assert.DoesNotMatch(": (Warning|Error|Info) ", output);
    }

    [Theory]
    [InlineData("no-hardcoded-env-urls")]
    [InlineData("no-unused-params")]
    [InlineData("no-unused-vars")]
    [InlineData("outputs-should-not-contain-secrets")]
    [InlineData("secure-parameter-default")]
    [InlineData("secure-params-in-nested-deploy")]
    [InlineData("secure-secrets-in-params")]
    [InlineData("use-secure-value-for-secure-inputs")]
    [InlineData("use-resource-symbol-reference")]
    [InlineData("adminusername-should-not-be-literal")]
    [InlineData("protect-commandtoexecute-secrets")]
    [InlineData("no-hardcoded-location")]
    public void Linter_raises_the_security_and_hygiene_rules_to_error(string rule)
    {
        var config = JsonNode.Parse(Repository.Read("infra", "bicepconfig.json"), documentOptions: new JsonDocumentOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        })!;
        Assert.True(config["analyzers"]!["core"]!["enabled"].Bool("enabled"));
        Assert.Equal("error", config["analyzers"]!["core"]!["rules"]![rule]?["level"].Str(rule));
    }

    [Fact]
    public void Main_template_is_subscription_scoped_and_creates_its_resource_group()
    {
        Assert.Contains("subscriptionDeploymentTemplate", template.Root["$schema"].Str("$schema"));
        template.Single("Microsoft.Resources/resourceGroups");
        var modules = template.OfType("Microsoft.Resources/deployments").Where(m => m.Module == "main").ToList();
        Assert.NotEmpty(modules);
        Assert.All(modules, m => Assert.False(string.IsNullOrEmpty(m.Resource["resourceGroup"].Str("resourceGroup"))));
    }

    [Fact]
    public void Parameters_file_maps_every_required_parameter_from_the_azd_environment()
    {
        var file = JsonNode.Parse(Repository.Read("infra", "main.parameters.json"))!["parameters"]!.AsObject();
        var declared = template.Root["parameters"]!.AsObject();

        Assert.Equal("${AZURE_ENV_NAME}", file["environmentName"]!["value"].Str("environmentName"));
        Assert.Equal("${AZURE_LOCATION}", file["location"]!["value"].Str("location"));
        Assert.Equal("${AZURE_PRINCIPAL_ID}", file["principalId"]!["value"].Str("principalId"));

        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).ToList();
        Assert.All(required, name => Assert.True(file.ContainsKey(name), $"main.parameters.json does not supply {name}"));
        Assert.All(file.Select(p => p.Key), name => Assert.True(declared.ContainsKey(name), $"main.bicep has no parameter {name}"));
        Assert.All(file, p => Assert.Matches(new Regex(@"^\$\{[A-Z_]+(=[^}]*)?\}$"), p.Value!["value"].Str(p.Key)));
    }
}
