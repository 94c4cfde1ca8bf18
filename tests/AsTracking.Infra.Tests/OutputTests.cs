using System.Text.RegularExpressions;
using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

[Collection(BicepCollection.Name)]
public sealed class OutputTests(CompiledTemplate template)
{
    [Fact]
    public void No_output_of_main_or_any_module_holds_a_secret_R19()
    {
        var outputs = template.AllOutputs().ToList();
        Assert.NotEmpty(outputs);
        Assert.All(outputs, o =>
        {
            var where = $"{o.Template}: output {o.Name}";
            var type = o.Output["type"].Str(where + " type");
            Assert.DoesNotContain("secure", type, StringComparison.OrdinalIgnoreCase);
            var value = o.Output["value"]?.ToJsonString() ?? "";
            Assert.False(Regex.IsMatch(value, @"\blist[A-Za-z]*\("), where + " calls a list*() function: " + value);
            Assert.DoesNotContain("ConnectionString", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("InstrumentationKey", value, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secrets", value, StringComparison.OrdinalIgnoreCase);
            Assert.False(Regex.IsMatch(o.Name, "secret|password|connection_?string|accountkey|instrumentationkey", RegexOptions.IgnoreCase), where);
        });
    }

    [Fact]
    public void Main_outputs_are_the_UPPER_SNAKE_values_azd_and_the_hooks_use()
    {
        var names = template.Root["outputs"]!.AsObject().Select(o => o.Key).ToList();
        Assert.All(names, n => Assert.Matches("^[A-Z][A-Z0-9_]*$", n));
        Assert.Subset(names.ToHashSet(), new HashSet<string>
        {
            "AZURE_LOCATION", "AZURE_TENANT_ID", "AZURE_RESOURCE_GROUP", "AZURE_FUNCTION_APP_NAME",
            "AZURE_KEY_VAULT_NAME", "AZURE_KEY_VAULT_URI", "AZURE_STORAGE_ACCOUNT_NAME",
        });
    }
}
