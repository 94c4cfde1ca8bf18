using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

/// <summary>
/// azure.yaml, checked field by field: the azd schema is not available from a package registry, so the fields
/// azd relies on are asserted here.
/// </summary>
public sealed class AzureYamlTests
{
    private static readonly string Text = Repository.Read("azure.yaml");
    private static readonly IReadOnlyDictionary<string, string> Yaml = SimpleYaml.Read(Text);

    [Fact]
    public void Azure_yaml_starts_with_the_azd_schema_comment()
    {
        var first = Text.Split('\n')[0].TrimEnd('\r');
        Assert.Equal("# yaml-language-server: $schema=https://raw.githubusercontent.com/Azure/azure-dev/main/schemas/v1.0/azure.yaml.json", first);
    }

    [Fact]
    public void Azure_yaml_names_the_project()
    {
        Assert.Equal("as-tracking", Yaml["name"]);
    }

    [Fact]
    public void Azure_yaml_has_one_dotnet_function_service_api_pointing_at_the_function_app()
    {
        var services = Yaml.Keys.Where(k => k.StartsWith("services.", StringComparison.Ordinal))
            .Select(k => k.Split('.')[1]).Distinct().ToList();
        Assert.Equal(["api"], services);
        Assert.Equal("./functions/AsTracking.Functions", Yaml["services.api.project"]);
        Assert.Equal("dotnet", Yaml["services.api.language"]);
        Assert.Equal("function", Yaml["services.api.host"]);
        Assert.True(File.Exists(Repository.PathOf("functions", "AsTracking.Functions", "AsTracking.Functions.csproj")));
    }

    [Fact]
    public void Azure_yaml_provisions_infra_main_bicep()
    {
        Assert.Equal("bicep", Yaml["infra.provider"]);
        Assert.Equal("infra", Yaml["infra.path"]);
        Assert.Equal("main", Yaml["infra.module"]);
        Assert.True(File.Exists(Repository.PathOf("infra", "main.bicep")));
    }

    [Theory]
    [InlineData("posix", "sh", "./infra/hooks/postprovision.sh")]
    [InlineData("windows", "pwsh", "./infra/hooks/postprovision.ps1")]
    public void Azure_yaml_runs_the_postprovision_hook_on_each_platform(string platform, string shell, string script)
    {
        Assert.Equal(shell, Yaml[$"hooks.postprovision.{platform}.shell"]);
        Assert.Equal(script, Yaml[$"hooks.postprovision.{platform}.run"]);
        Assert.Equal("false", Yaml[$"hooks.postprovision.{platform}.continueOnError"]);
        Assert.True(File.Exists(Repository.PathOf(script[2..].Split('/'))), script);
    }
}
