using System.Text.Json.Nodes;

namespace AsTracking.Infra.Tests.Support;

/// <summary>
/// infra/main.bicep compiled once, by the same Bicep CLI as CI, into ARM JSON (main.json) that the posture tests
/// read. Modules compile into nested deployments; <see cref="Resources"/> walks all of them.
/// </summary>
public sealed class CompiledTemplate
{
    public CompiledTemplate()
    {
        var outDir = Directory.CreateTempSubdirectory("astracking-bicep-");
        try
        {
            var outFile = System.IO.Path.Combine(outDir.FullName, "main.json");
            var (exitCode, output) = BicepCli.Run("build", Repository.PathOf("infra", "main.bicep"), "--outfile", outFile);
            BuildOutput = output;
            if (exitCode != 0)
            {
                throw new InvalidOperationException("bicep build failed:\n" + output);
            }
            Json = File.ReadAllText(outFile);
            Root = JsonNode.Parse(Json)!.AsObject();
        }
        finally
        {
            outDir.Delete(recursive: true);
        }
        Resources = Walk(Root, "main").ToList();
    }

    /// <summary>What <c>bicep build</c> printed: warnings would show here.</summary>
    public string BuildOutput { get; }

    /// <summary>The compiled template as text.</summary>
    public string Json { get; }

    public JsonObject Root { get; }

    /// <summary>Every resource the deployment creates (not <c>existing</c> references), in every module.</summary>
    public IReadOnlyList<ArmResource> Resources { get; }

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The nested deployment (module) of main.bicep with this deployment name.</summary>
    public JsonObject Module(string name) =>
        OfType("Microsoft.Resources/deployments").Single(m => m.Resource["name"]!.GetValue<string>() == name).Resource;

    /// <summary>Every output of main.bicep and of each module, with where it is declared.</summary>
    public IEnumerable<(string Template, string Name, JsonObject Output)> AllOutputs()
    {
        foreach (var (path, template) in Templates(Root, "main"))
        {
            if (template["outputs"] is JsonObject outputs)
            {
                foreach (var (name, output) in outputs)
                {
                    yield return (path, name, output!.AsObject());
                }
            }
        }
    }

    private static IEnumerable<(string Path, JsonObject Template)> Templates(JsonObject template, string path)
    {
        yield return (path, template);
        foreach (var resource in ResourcesOf(template))
        {
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Templates(nested, path + "/" + resource["name"]))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<ArmResource> Walk(JsonObject template, string path)
    {
        foreach (var resource in ResourcesOf(template))
        {
            if (resource["existing"]?.GetValue<bool>() == true)
            {
                continue;
            }
            yield return new ArmResource(resource, path, template);
            if (resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Walk(nested, path + "/" + resource["name"]))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Resources are an array, or (languageVersion 2.0, symbolic names) an object keyed by symbol.</summary>
    private static IEnumerable<JsonObject> ResourcesOf(JsonObject template) => template["resources"] switch
    {
        JsonArray array => array.Select(r => r!.AsObject()),
        JsonObject byName => byName.Select(p => p.Value!.AsObject()),
        _ => [],
    };
}

/// <summary>One resource of the compiled template and the module (nested deployment) that declares it.</summary>
public sealed record ArmResource(JsonObject Resource, string Module, JsonObject Template)
{
    public string Type => Resource["type"]!.GetValue<string>();

    public JsonObject Properties => Resource["properties"]!.AsObject();

    public string Text => Resource.Text();
}

[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<CompiledTemplate>
{
    public const string Name = "compiled main.bicep";
}
