using System.Text.Json;

namespace AsTracking.Core.Scoring;

/// <summary>Writes a model in the document shape that <see cref="ScoringModelReader"/> reads.</summary>
internal static class ScoringModelWriter
{
    public static byte[] Write(ScoringModel model)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("id", model.Id);
            w.WriteNumber("version", model.Version);
            if (model.Description is { } description) w.WriteString("description", description);
            w.WriteNumber("items", model.Items);
            w.WriteStartObject("answers");
            w.WriteNumber("min", model.AnswerMin);
            w.WriteNumber("max", model.AnswerMax);
            w.WriteEndObject();
            WriteItems(w, "reverseKeyed", model.ReverseKeyed);
            w.WriteStartObject("factors");
            foreach (var factor in ScoringNames.Factors) WriteItems(w, factor.ToName(), model.ItemsOf(factor));
            w.WriteEndObject();
            w.WriteStartObject("score");
            w.WriteNumber("offset", model.ScoreOffset);
            w.WriteNumber("scale", model.ScoreScale);
            w.WriteEndObject();

            w.WriteStartArray("bands");
            foreach (var band in model.Bands)
            {
                w.WriteStartObject();
                w.WriteString("band", band.Band.ToName());
                if (band.Lower is { } lower) w.WriteNumber(band.LowerInclusive ? "atLeast" : "above", lower);
                if (band.Upper is { } upper) w.WriteNumber(band.UpperInclusive ? "atMost" : "below", upper);
                if (band.IsPolar) w.WriteString("polar", band.Polar.ToName());
                w.WriteEndObject();
            }
            w.WriteEndArray();

            var flags = model.Flags;
            w.WriteStartObject("flags");
            w.WriteStartObject("polar-bias");
            w.WriteNumber("severity", flags.PolarBiasSeverity);
            w.WriteEndObject();
            w.WriteStartObject("over-regulation");
            w.WriteNumber("severity", flags.OverRegulation.Severity);
            w.WriteNumber("meanAtLeast", flags.OverRegulation.MeanAtLeast);
            w.WriteNumber("meanAtMost", flags.OverRegulation.MeanAtMost);
            w.WriteNumber("sdAtMost", flags.OverRegulation.SdAtMost);
            w.WriteEndObject();
            w.WriteStartObject("context-divergence");
            w.WriteNumber("severity", flags.ContextDivergence.Severity);
            w.WriteNumber("differenceAtLeast", flags.ContextDivergence.DifferenceAtLeast);
            w.WriteEndObject();
            w.WriteStartObject("multiple-polar");
            w.WriteNumber("severity", flags.MultiplePolar.Severity);
            w.WriteNumber("polarBiasAtLeast", flags.MultiplePolar.PolarBiasAtLeast);
            w.WriteEndObject();
            w.WriteStartObject("new-polar");
            w.WriteNumber("severity", flags.NewPolarSeverity);
            w.WriteEndObject();
            w.WriteStartObject("persistent");
            w.WriteNumber("severity", flags.Persistent.Severity);
            w.WriteNumber("previousRounds", flags.Persistent.PreviousRounds);
            w.WriteEndObject();
            w.WriteEndObject();

            w.WriteStartObject("priority");
            w.WriteNumber("monitorAtLeast", model.Priority.MonitorAtLeast);
            w.WriteNumber("priorityAtLeast", model.Priority.PriorityAtLeast);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteItems(Utf8JsonWriter w, string name, IEnumerable<int> items)
    {
        w.WriteStartArray(name);
        foreach (var item in items) w.WriteNumberValue(item);
        w.WriteEndArray();
    }
}
