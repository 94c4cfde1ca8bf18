using System.Text;
using System.Text.Json.Nodes;
using AsTracking.Core.Errors;
using AsTracking.Core.Scoring;

namespace AsTracking.Core.Tests.Scoring;

/// <summary>R10: the model is data, read and validated from JSON, with an id and a version.</summary>
public class ScoringModelTests
{
    private static byte[] EmbeddedJson()
    {
        using var stream = typeof(ScoringModel).Assembly.GetManifestResourceStream("AsTracking.Core.Scoring.default-v1.json")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static JsonNode DefaultNode() => JsonNode.Parse(EmbeddedJson())!;

    private static ScoringModel Parse(JsonNode node) => ScoringModel.Parse(Encoding.UTF8.GetBytes(node.ToJsonString()));

    [Fact]
    public void Default_model_is_default_v1_as_written_in_R11()
    {
        var model = ScoringModel.Default;
        Assert.Equal("default-v1", model.Id);
        Assert.Equal(1, model.Version);
        Assert.Equal(16, model.Items);
        Assert.Equal((1, 6), (model.AnswerMin, model.AnswerMax));
        Assert.Equal([9, 10, 11, 12], model.ReverseKeyed.ToArray());
        Assert.Equal([1, 5, 9, 13], model.ItemsOf(Factor.SelfDisclosure).ToArray());
        Assert.Equal([2, 6, 10, 14], model.ItemsOf(Factor.TrustOfSelf).ToArray());
        Assert.Equal([3, 7, 11, 15], model.ItemsOf(Factor.TrustOfOthers).ToArray());
        Assert.Equal([4, 8, 12, 16], model.ItemsOf(Factor.SeekingChange).ToArray());
        Assert.Equal((4m, 0.75m), (model.ScoreOffset, model.ScoreScale));
        Assert.Equal(
            [
                new BandDefinition(Band.PolarLow, null, false, 3.0m, true, PolarDirection.Low),
                new BandDefinition(Band.Low, null, false, 6.0m, false, PolarDirection.None),
                new BandDefinition(Band.Balanced, null, false, 9.0m, true, PolarDirection.None),
                new BandDefinition(Band.High, null, false, 12.0m, false, PolarDirection.None),
                new BandDefinition(Band.PolarHigh, 12.0m, true, null, false, PolarDirection.High),
            ],
            model.Bands.ToArray());
        Assert.Equal(
            new FlagRules(1, new OverRegulationRule(2, 3.0m, 4.0m, 0.5m), new ContextDivergenceRule(1, 6.0m), new MultiplePolarRule(2, 3), 1, new PersistentRule(2, 2)),
            model.Flags);
        Assert.Equal(new PriorityThresholds(1, 3), model.Priority);
        Assert.Equal("default-v1@1", model.ToString());
    }

    [Fact]
    public void Model_is_compiled_once_and_shared_R10()
    {
        Assert.Same(ScoringModel.Default, ScoringModel.Default);
        Assert.Same(ScoringModel.Default.Compile(), ScoringModel.Default.Compile());
        Assert.Same(ScoringModel.Default, ScoringModel.Default.Compile().Model);
    }

    [Fact]
    public void Model_json_round_trips_R10()
    {
        var json = ScoringModel.Default.ToJson();
        var again = ScoringModel.Parse(json);
        Assert.Equal(json, again.ToJson());
        Assert.Equal(ScoringModel.Default.Bands.ToArray(), again.Bands.ToArray());
        Assert.Equal(ScoringModel.Default.Flags, again.Flags);
        Assert.Equal(ScoringModel.Default.Description, again.Description);
        Assert.True(JsonNode.DeepEquals(DefaultNode(), JsonNode.Parse(json)), "ToJson writes the embedded document's content");
        var result = again.Compile().Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool);
        Assert.Equal(ScoringModel.Default.Compile().Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool), result);
    }

    [Fact]
    public void A_new_model_version_is_data_and_results_record_it_R10()
    {
        // Version 2 of a hypothetical model: polar-bias weighs 2, and 'low'/'high' count as polar too.
        var node = DefaultNode();
        node["id"] = "trial";
        node["version"] = 2;
        node["flags"]!["polar-bias"]!["severity"] = 2;
        node["bands"]![1]!["polar"] = "low";
        node["bands"]![3]!["polar"] = "high";
        var model = Parse(node);
        var result = model.Compile().Score(Answers.WorkedOutOfSchool, Answers.WorkedInSchool);
        Assert.Equal(("trial", 2), (result.ModelId, result.ModelVersion));
        Assert.Equal(2 + 2 + 2, result.SummedSeverity);
        Assert.NotSame(ScoringModel.Default.Compile(), model.Compile());

        // The worked example's outOfSchool is unchanged in default-v1, but 'low' (3.75) now counts as polar.
        var low = Answers.WithKeyedSums(9, 14, 14, 14);
        var polarLow = model.Compile().Score(low, low);
        Assert.Equal(2, polarLow.Flags.Count(f => f.Type == FlagType.PolarBias));
        Assert.Empty(ScoringModel.Default.Compile().Score(low, low).Flags);
    }

    [Fact]
    public void A_model_with_other_edges_and_an_exclusive_lower_edge_is_read_exactly()
    {
        // polar-low < 3.0, low ≤ 6.0, …, polar-high > 12.0; mean in [3.25, 3.75] and SD ≤ 0.45; divergence ≥ 7.5.
        var node = DefaultNode();
        node["bands"] = JsonNode.Parse("""
            [{"band":"polar-low","below":3.0,"polar":"low"},{"band":"low","atLeast":3.0,"atMost":6.0},{"band":"balanced","above":6.0,"below":9.0},
             {"band":"high","atMost":12.0},{"band":"polar-high","above":12.0,"polar":"high"}]
            """);
        node["flags"]!["over-regulation"] = JsonNode.Parse("""{"severity":2,"meanAtLeast":3.25,"meanAtMost":3.75,"sdAtMost":0.45}""");
        node["flags"]!["context-divergence"]!["differenceAtLeast"] = 7.5;
        var scorer = Parse(node).Compile();

        var edges = Answers.WithKeyedSums(8, 12, 16, 20);
        var result = scorer.Score(edges, edges);
        Assert.Equal([Band.Low, Band.Low, Band.High, Band.High], ScoringNames.Factors.ToArray().Select(f => result.OutOfSchool[f].Band));
        var extremes = scorer.Score(Answers.WithKeyedSums(7, 21, 14, 14), Answers.Neutral);
        Assert.Equal([Band.PolarLow, Band.PolarHigh], new[] { extremes.OutOfSchool.SelfDisclosure.Band, extremes.OutOfSchool.TrustOfSelf.Band });

        // SD ≤ 0.45 ⇔ 16Σx² − (Σx)² ≤ ⌊0.45² × 256⌋ = ⌊51.84⌋ = 51.
        int[] twelveThreesFourFours = [3, 3, 3, 3, 4, 3, 3, 3, 3, 4, 3, 3, 4, 3, 3, 4]; // mean 3.25, SD √48/16 ≈ 0.433
        Assert.Equal(FlagType.OverRegulation, Assert.Single(scorer.Score(Answers.Neutral, twelveThreesFourFours).Flags).Type);
        int[] thirteenThreesThreeFours = [3, 3, 3, 3, 4, 3, 3, 3, 3, 4, 3, 3, 4, 3, 3, 3]; // mean 3.1875 < 3.25
        Assert.Empty(scorer.Score(Answers.Neutral, thirteenThreesThreeFours).Flags);
        Assert.Empty(scorer.Score(Answers.Neutral, Answers.WorkedInSchool).Flags); // SD 0.5 > 0.45

        Assert.Empty(scorer.Score(Answers.WithKeyedSums(14, 14, 14, 9), Answers.WithKeyedSums(14, 14, 14, 17)).Flags); // 6.0 < 7.5
        Assert.Single(scorer.Score(Answers.WithKeyedSums(14, 14, 14, 9), Answers.WithKeyedSums(14, 14, 14, 19)).Flags); // 7.5
    }

    public static TheoryData<string, Action<JsonNode>, string> BadModels => new()
    {
        { "missing id", n => n.AsObject().Remove("id"), "id" },
        { "id with capitals", n => n["id"] = "Default-V1", "id" },
        { "id with a slash", n => n["id"] = "a/b", "id" },
        { "id not a string", n => n["id"] = 1, "id" },
        { "version 0", n => n["version"] = 0, "version" },
        { "version a string", n => n["version"] = "1", "version" },
        { "version fractional", n => n["version"] = 1.5, "version" },
        { "unknown property", n => n["extra"] = true, "extra" },
        { "15 items", n => n["items"] = 15, "items" },
        { "answers to 7", n => n["answers"]!["max"] = 7, "answers" },
        { "answers without min", n => n["answers"]!.AsObject().Remove("min"), "answers.min" },
        { "reverse-keyed item repeated", n => n["reverseKeyed"] = new JsonArray(9, 9), "reverseKeyed[1]" },
        { "reverse-keyed item 17", n => n["reverseKeyed"] = new JsonArray(17), "reverseKeyed[0]" },
        { "reverse-keyed not an array", n => n["reverseKeyed"] = "9,10", "reverseKeyed" },
        { "factor missing", n => n["factors"]!.AsObject().Remove("seekingChange"), "factors.seekingChange" },
        { "unknown factor", n => n["factors"]!["courage"] = new JsonArray(1), "factors.courage" },
        { "item in two factors", n => n["factors"]!["trustOfSelf"] = new JsonArray(1, 6, 10, 14), "factors.trustOfSelf[0]" },
        { "item in no factor", n => n["factors"]!["trustOfSelf"] = new JsonArray(6, 10, 14), "factors" },
        { "factor with no items", n => n["factors"]!["trustOfSelf"] = new JsonArray(), "factors.trustOfSelf" },
        { "item 2.5", n => n["factors"]!["trustOfSelf"]![0] = 2.5, "factors.trustOfSelf[0]" },
        { "item 0", n => n["factors"]!["trustOfSelf"]![0] = 0, "factors.trustOfSelf[0]" },
        { "scale 0", n => n["score"]!["scale"] = 0, "score.scale" },
        { "scale negative", n => n["score"]!["scale"] = -0.75, "score.scale" },
        { "scale with 7 decimal places", n => n["score"]!["scale"] = 0.7500001, "score.scale" },
        { "offset missing", n => n["score"]!.AsObject().Remove("offset"), "score.offset" },
        { "four bands", n => n["bands"]!.AsArray().RemoveAt(2), "bands" },
        { "bands out of order", n => n["bands"]![1]!["band"] = "balanced", "bands[1].band" },
        { "both atMost and below", n => n["bands"]![1]!["atMost"] = 6.0, "bands[1]" },
        { "no upper edge", n => n["bands"]![1]!.AsObject().Remove("below"), "bands[1]" },
        { "edges not increasing", n => n["bands"]![2]!["atMost"] = 5.0, "bands[2].atMost" },
        { "edge a string", n => n["bands"]![2]!["atMost"] = "9.0", "bands[2].atMost" },
        { "top band with an upper edge", n => n["bands"]![4]!["atMost"] = 15.0, "bands[4]" },
        { "top band without a lower edge", n => n["bands"]![4]!.AsObject().Remove("atLeast"), "bands[4]" },
        { "top band leaves a gap", n => n["bands"]![4]!["atLeast"] = 12.75, "bands[4].atLeast" },
        { "top band overlaps the edge", n => { n["bands"]![4]!.AsObject().Remove("atLeast"); n["bands"]![4]!["above"] = 12.0; }, "bands[4].above" },
        { "bottom band with a lower edge", n => n["bands"]![0]!["atLeast"] = 0.0, "bands[0]" },
        { "balanced marked polar", n => n["bands"]![2]!["polar"] = "low", "bands[2].polar" },
        { "low marked polar high", n => n["bands"]![1]!["polar"] = "high", "bands[1].polar" },
        { "polar-low not polar", n => n["bands"]![0]!.AsObject().Remove("polar"), "bands[0].polar" },
        { "polar direction unknown", n => n["bands"]![0]!["polar"] = "down", "bands[0].polar" },
        { "unknown band property", n => n["bands"]![0]!["colour"] = "red", "bands[0].colour" },
        { "flag missing", n => n["flags"]!.AsObject().Remove("persistent"), "flags.persistent" },
        { "unknown flag", n => n["flags"]!["lonely"] = new JsonObject { ["severity"] = 1 }, "flags.lonely" },
        { "severity 0", n => n["flags"]!["polar-bias"]!["severity"] = 0, "flags.polar-bias.severity" },
        { "severity missing", n => n["flags"]!["new-polar"]!.AsObject().Remove("severity"), "flags.new-polar.severity" },
        { "mean bounds reversed", n => n["flags"]!["over-regulation"]!["meanAtLeast"] = 4.5, "flags.over-regulation.meanAtMost" },
        { "mean bound outside the answers", n => n["flags"]!["over-regulation"]!["meanAtMost"] = 6.5, "flags.over-regulation.meanAtMost" },
        { "sd above the largest possible", n => n["flags"]!["over-regulation"]!["sdAtMost"] = 2.6, "flags.over-regulation.sdAtMost" },
        { "divergence 0", n => n["flags"]!["context-divergence"]!["differenceAtLeast"] = 0, "flags.context-divergence.differenceAtLeast" },
        { "multiple-polar at 1", n => n["flags"]!["multiple-polar"]!["polarBiasAtLeast"] = 1, "flags.multiple-polar.polarBiasAtLeast" },
        { "multiple-polar at 9", n => n["flags"]!["multiple-polar"]!["polarBiasAtLeast"] = 9, "flags.multiple-polar.polarBiasAtLeast" },
        { "persistent over 0 rounds", n => n["flags"]!["persistent"]!["previousRounds"] = 0, "flags.persistent.previousRounds" },
        { "priority below monitor", n => n["priority"]!["priorityAtLeast"] = 0, "priority.priorityAtLeast" },
        { "priority threshold under monitor", n => { n["priority"]!["monitorAtLeast"] = 3; n["priority"]!["priorityAtLeast"] = 2; }, "priority.priorityAtLeast" },
        { "priority not an object", n => n["priority"] = new JsonArray(1, 3), "priority" },
    };

    [Theory]
    [MemberData(nameof(BadModels))]
    public void Bad_model_is_rejected_with_the_field_path_R10(string because, Action<JsonNode> spoil, string field)
    {
        var node = DefaultNode();
        spoil(node);
        var error = Assert.Throws<ValidationFailedException>(() => Parse(node));
        Assert.True(error.Errors.ContainsKey(field), $"{because}: expected an error for '{field}', got {string.Join("; ", error.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        Assert.Equal(400, error.Status);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{} {}")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{\"id\": \"a\",}")]
    public void Not_a_model_document_is_rejected_as_model(string json)
    {
        var error = Assert.Throws<ValidationFailedException>(() => ScoringModel.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.True(error.Errors.ContainsKey("model"), string.Join("; ", error.Errors.Keys));
    }

    [Fact]
    public void Duplicate_properties_are_rejected()
    {
        var json = Encoding.UTF8.GetString(EmbeddedJson()).Replace("\"version\": 1,", "\"version\": 1, \"version\": 2,", StringComparison.Ordinal);
        var error = Assert.Throws<ValidationFailedException>(() => ScoringModel.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains("more than once", error.Errors["version"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var node = DefaultNode();
        node["version"] = 0;
        node["score"]!["scale"] = 0;
        node["flags"]!["persistent"]!["severity"] = 101;
        var error = Assert.Throws<ValidationFailedException>(() => Parse(node));
        Assert.Equal(["flags.persistent.severity", "score.scale", "version"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }
}
