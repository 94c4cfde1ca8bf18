using System.Collections.Immutable;
using System.Text.Json;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;

namespace AsTracking.Core.Scoring;

/// <summary>
/// Reads a model document and validates all of it, collecting every problem with its field path.
/// Numbers carry at most <see cref="MaxDecimalPlaces"/> decimal places, so that compiling the model
/// (edges, score table, over-regulation limits) is exact in <see cref="decimal"/> arithmetic.
/// </summary>
internal sealed class ScoringModelReader
{
    public const int MaxDecimalPlaces = 6;
    private const decimal MaxMagnitude = 1_000_000m;
    private const int MaxItems = 64;
    private const int MaxSeverity = 100;

    private static readonly string[] RootProperties = ["id", "version", "description", "items", "answers", "reverseKeyed", "factors", "score", "bands", "flags", "priority"];
    private static readonly string[] FlagNames = ["polar-bias", "over-regulation", "context-divergence", "multiple-polar", "new-polar", "persistent"];

    private readonly Validation _v = new();

    public static ScoringModel Read(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(utf8Json.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw ValidationFailedException.For("model", $"The model is not valid JSON: {e.Message}");
        }
        using (document)
        {
            return new ScoringModelReader().ReadRoot(document.RootElement);
        }
    }

    private ScoringModel ReadRoot(JsonElement root)
    {
        if (!Object(root, "model", RootProperties)) Throw();

        var id = Id(Get(root, "id", "id"));
        var version = Int(Get(root, "version", "version"), "version", 1, int.MaxValue);
        var description = Get(root, "description", "description", required: false) is { } d ? Text(d, "description", 500) : null;

        var items = Int(Get(root, "items", "items"), "items", 1, MaxItems);
        if (items is { } n && n != ScoringModel.ContractItems) _v.Add("items", $"items must be {ScoringModel.ContractItems}: each context has exactly {ScoringModel.ContractItems} answers (R8).");

        var (answerMin, answerMax) = Answers(Get(root, "answers", "answers"));
        var reverse = ItemList(Get(root, "reverseKeyed", "reverseKeyed"), "reverseKeyed", items, allowEmpty: true);
        var factors = Factors(Get(root, "factors", "factors"), items);
        var (offset, scale) = Score(Get(root, "score", "score"));
        var bands = Bands(Get(root, "bands", "bands"));
        var flags = Flags(Get(root, "flags", "flags"), answerMin, answerMax);
        var priority = Priority(Get(root, "priority", "priority"));

        if (!_v.IsValid) Throw();
        return new ScoringModel(id!, version!.Value, description, items!.Value, answerMin!.Value, answerMax!.Value,
            reverse!.Value.Sort(), factors!.Value, offset!.Value, scale!.Value, bands!.Value, flags!, priority!);
    }

    private void Throw() => _v.ThrowIfInvalid();

    private string? Id(JsonElement? element)
    {
        var id = element is { } e ? Text(e, "id", 64) : null;
        if (id is null) return null;
        bool ok = id.Length > 0 && char.IsAsciiLetterOrDigit(id[0]) && char.IsAsciiLetterOrDigit(id[^1])
            && id.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.');
        if (!ok) _v.Add("id", "id must be lowercase letters, digits, '-' or '.', starting and ending with a letter or digit (it names a blob).");
        return id;
    }

    private (int? Min, int? Max) Answers(JsonElement? element)
    {
        if (element is not { } e || !Object(e, "answers", ["min", "max"])) return (null, null);
        var min = Int(Get(e, "min", "answers.min"), "answers.min", 0, 100);
        var max = Int(Get(e, "max", "answers.max"), "answers.max", 0, 100);
        if (min is not null && max is not null && (min != ScoringModel.ContractAnswerMin || max != ScoringModel.ContractAnswerMax))
        {
            _v.Add("answers", $"answers must run from {ScoringModel.ContractAnswerMin} to {ScoringModel.ContractAnswerMax} (R8).");
        }
        return (min, max);
    }

    private ImmutableArray<int>? ItemList(JsonElement? element, string path, int? items, bool allowEmpty)
    {
        if (element is not { } e) return null;
        if (e.ValueKind != JsonValueKind.Array)
        {
            _v.Add(path, $"{path} must be an array of item numbers.");
            return null;
        }
        if (!allowEmpty && e.GetArrayLength() == 0) _v.Add(path, $"{path} must name at least one item.");
        var list = ImmutableArray.CreateBuilder<int>();
        bool ok = true;
        int index = 0;
        foreach (var item in e.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            var number = Int(item, itemPath, 1, items ?? MaxItems);
            if (number is not { } value)
            {
                ok = false;
                continue;
            }
            if (list.Contains(value))
            {
                _v.Add(itemPath, $"{itemPath}: item {value} is listed more than once.");
                ok = false;
            }
            list.Add(value);
        }
        return ok ? list.ToImmutable() : null;
    }

    private ImmutableArray<ImmutableArray<int>>? Factors(JsonElement? element, int? items)
    {
        var names = new string[ScoringNames.FactorCount];
        foreach (var f in ScoringNames.Factors) names[(int)f] = f.ToName();
        if (element is not { } e || !Object(e, "factors", names)) return null;

        var lists = new ImmutableArray<int>[ScoringNames.FactorCount];
        var owner = new Dictionary<int, string>();
        bool ok = true;
        foreach (var factor in ScoringNames.Factors)
        {
            var name = factor.ToName();
            var path = $"factors.{name}";
            var list = ItemList(Get(e, name, path), path, items, allowEmpty: false);
            if (list is not { } l)
            {
                ok = false;
                continue;
            }
            for (int i = 0; i < l.Length; i++)
            {
                if (owner.TryGetValue(l[i], out var other))
                {
                    _v.Add($"{path}[{i}]", $"{path}[{i}]: item {l[i]} already belongs to {other}; an item scores exactly one factor.");
                    ok = false;
                }
                else owner[l[i]] = name;
            }
            lists[(int)factor] = l.Sort();
        }
        if (ok && items is { } n)
        {
            var missing = Enumerable.Range(1, n).Where(i => !owner.ContainsKey(i)).ToList();
            if (missing.Count > 0) _v.Add("factors", $"factors leave item(s) {string.Join(", ", missing)} unscored; every item scores exactly one factor.");
        }
        return ok ? [.. lists] : null;
    }

    private (decimal? Offset, decimal? Scale) Score(JsonElement? element)
    {
        if (element is not { } e || !Object(e, "score", ["offset", "scale"])) return (null, null);
        var offset = Decimal(Get(e, "offset", "score.offset"), "score.offset", -1000m, 1000m);
        var scale = Decimal(Get(e, "scale", "score.scale"), "score.scale", 0m, 1000m);
        if (scale == 0m)
        {
            _v.Add("score.scale", "score.scale must be greater than 0.");
            scale = null;
        }
        return (offset, scale);
    }

    private ImmutableArray<BandDefinition>? Bands(JsonElement? element)
    {
        if (element is not { } e) return null;
        if (e.ValueKind != JsonValueKind.Array)
        {
            _v.Add("bands", "bands must be an array.");
            return null;
        }
        int count = e.GetArrayLength();
        if (count != ScoringNames.BandCount)
        {
            _v.Add("bands", "bands must list the five contract bands in ascending order: polar-low, low, balanced, high, polar-high.");
            return null;
        }

        var bands = new BandDefinition[count];
        bool ok = true;
        for (int i = 0; i < count; i++)
        {
            var band = Band(e[i], i, i == 0 ? null : bands[i - 1]);
            if (band is null) ok = false;
            else bands[i] = band;
            if (band is null && i < count - 1)
            {
                // Later bands are checked against this one's edge; without it, stop here rather than cascade.
                for (int j = i + 1; j < count; j++) Object(e[j], $"bands[{j}]", ["band", "atMost", "below", "atLeast", "above", "polar"]);
                break;
            }
        }
        return ok ? [.. bands] : null;
    }

    private BandDefinition? Band(JsonElement e, int index, BandDefinition? previous)
    {
        var path = $"bands[{index}]";
        if (!Object(e, path, ["band", "atMost", "below", "atLeast", "above", "polar"])) return null;
        var expected = (Band)index;
        bool ok = true;

        var name = Get(e, "band", $"{path}.band") is { } n ? Text(n, $"{path}.band", 32) : null;
        if (name is null) ok = false;
        else if (name != expected.ToName())
        {
            _v.Add($"{path}.band", $"{path}.band must be '{expected.ToName()}': the contract bands polar-low, low, balanced, high, polar-high, in ascending order.");
            ok = false;
        }

        bool last = index == ScoringNames.BandCount - 1;
        var (upper, upperInclusive, upperOk) = Edge(e, path, "atMost", "below", inclusiveName: "atMost");
        var (lower, lowerInclusive, lowerOk) = Edge(e, path, "atLeast", "above", inclusiveName: "atLeast");
        ok &= upperOk && lowerOk;

        if (!last && upper is null && upperOk)
        {
            _v.Add(path, $"{path} needs an upper edge: atMost (inclusive) or below (exclusive).");
            ok = false;
        }
        if (last && upper is not null)
        {
            _v.Add(path, $"{path} is the top band and has no upper edge.");
            ok = false;
        }
        if (index == 0 && lower is not null)
        {
            _v.Add(path, $"{path} is the bottom band and has no lower edge.");
            ok = false;
        }
        if (last && lower is null && lowerOk)
        {
            _v.Add(path, $"{path} needs a lower edge: atLeast (inclusive) or above (exclusive).");
            ok = false;
        }
        if (previous is not null && lower is { } l && previous.Upper is { } pu)
        {
            // Adjacent bands share an edge, and exactly one of them includes it.
            if (l != pu || lowerInclusive == previous.UpperInclusive)
            {
                var fix = previous.UpperInclusive ? $"above {pu}" : $"atLeast {pu}";
                _v.Add($"{path}.{(lowerInclusive ? "atLeast" : "above")}", $"{path} must start where bands[{index - 1}] ends: {fix}.");
                ok = false;
            }
        }
        if (previous?.Upper is { } previousUpper && upper is { } u && u <= previousUpper)
        {
            _v.Add($"{path}.{(upperInclusive ? "atMost" : "below")}", $"{path}: band edges must increase ({u} is not above {previousUpper}).");
            ok = false;
        }

        var polar = PolarDirection.None;
        if (Get(e, "polar", $"{path}.polar", required: false) is { } p)
        {
            var text = Text(p, $"{path}.polar", 8);
            if (text is not null && !ScoringNames.TryParseDirection(text, out polar))
            {
                _v.Add($"{path}.polar", $"{path}.polar must be 'low' or 'high'.");
                ok = false;
            }
        }
        var allowed = expected switch
        {
            Scoring.Band.PolarLow or Scoring.Band.Low => PolarDirection.Low,
            Scoring.Band.High or Scoring.Band.PolarHigh => PolarDirection.High,
            _ => PolarDirection.None,
        };
        bool mustBePolar = expected is Scoring.Band.PolarLow or Scoring.Band.PolarHigh;
        if (polar != PolarDirection.None && polar != allowed)
        {
            _v.Add($"{path}.polar", allowed == PolarDirection.None
                ? $"{path}.polar: the balanced band is never polar."
                : $"{path}.polar: a band on the {allowed.ToName()} side can only be polar '{allowed.ToName()}'.");
            ok = false;
        }
        else if (mustBePolar && polar == PolarDirection.None)
        {
            _v.Add($"{path}.polar", $"{path}.polar must be '{allowed.ToName()}': {expected.ToName()} is a polar band.");
            ok = false;
        }

        return ok ? new BandDefinition(expected, lower, lowerInclusive, upper, upperInclusive, polar) : null;
    }

    private (decimal? Value, bool Inclusive, bool Ok) Edge(JsonElement e, string path, string a, string b, string inclusiveName)
    {
        var first = Get(e, a, $"{path}.{a}", required: false);
        var second = Get(e, b, $"{path}.{b}", required: false);
        if (first is not null && second is not null)
        {
            _v.Add(path, $"{path} gives both {a} and {b}; give one.");
            return (null, false, false);
        }
        var (element, name) = first is not null ? (first, a) : (second, b);
        if (element is null) return (null, false, true);
        var value = Decimal(element, $"{path}.{name}", -MaxMagnitude, MaxMagnitude);
        return (value, name == inclusiveName, value is not null);
    }

    private FlagRules? Flags(JsonElement? element, int? answerMin, int? answerMax)
    {
        if (element is not { } e || !Object(e, "flags", FlagNames)) return null;
        decimal min = answerMin ?? ScoringModel.ContractAnswerMin, max = answerMax ?? ScoringModel.ContractAnswerMax;

        int? Severity(JsonElement f, string path) => Int(Get(f, "severity", $"{path}.severity"), $"{path}.severity", 1, MaxSeverity);

        int? polarBias = null, newPolar = null;
        OverRegulationRule? overRegulation = null;
        ContextDivergenceRule? divergence = null;
        MultiplePolarRule? multiple = null;
        PersistentRule? persistent = null;

        if (Get(e, "polar-bias", "flags.polar-bias") is { } pb && Object(pb, "flags.polar-bias", ["severity"]))
        {
            polarBias = Severity(pb, "flags.polar-bias");
        }
        const string or = "flags.over-regulation";
        if (Get(e, "over-regulation", or) is { } o && Object(o, or, ["severity", "meanAtLeast", "meanAtMost", "sdAtMost"]))
        {
            var severity = Severity(o, or);
            var low = Decimal(Get(o, "meanAtLeast", $"{or}.meanAtLeast"), $"{or}.meanAtLeast", min, max);
            var high = Decimal(Get(o, "meanAtMost", $"{or}.meanAtMost"), $"{or}.meanAtMost", min, max);
            var sd = Decimal(Get(o, "sdAtMost", $"{or}.sdAtMost"), $"{or}.sdAtMost", 0m, (max - min) / 2);
            if (low > high) _v.Add($"{or}.meanAtMost", $"{or}.meanAtMost must not be below meanAtLeast.");
            else if (severity is { } s && low is { } l && high is { } h && sd is { } d) overRegulation = new(s, l, h, d);
        }
        const string cd = "flags.context-divergence";
        if (Get(e, "context-divergence", cd) is { } c && Object(c, cd, ["severity", "differenceAtLeast"]))
        {
            var severity = Severity(c, cd);
            var at = Decimal(Get(c, "differenceAtLeast", $"{cd}.differenceAtLeast"), $"{cd}.differenceAtLeast", 0m, MaxMagnitude);
            if (at == 0m) _v.Add($"{cd}.differenceAtLeast", $"{cd}.differenceAtLeast must be greater than 0.");
            else if (severity is { } s && at is { } a) divergence = new(s, a);
        }
        const string mp = "flags.multiple-polar";
        if (Get(e, "multiple-polar", mp) is { } m && Object(m, mp, ["severity", "polarBiasAtLeast"]))
        {
            var severity = Severity(m, mp);
            var at = Int(Get(m, "polarBiasAtLeast", $"{mp}.polarBiasAtLeast"), $"{mp}.polarBiasAtLeast", 2, ScoringNames.ContextCount * ScoringNames.FactorCount);
            if (severity is { } s && at is { } a) multiple = new(s, a);
        }
        if (Get(e, "new-polar", "flags.new-polar") is { } np && Object(np, "flags.new-polar", ["severity"]))
        {
            newPolar = Severity(np, "flags.new-polar");
        }
        const string ps = "flags.persistent";
        if (Get(e, "persistent", ps) is { } p && Object(p, ps, ["severity", "previousRounds"]))
        {
            var severity = Severity(p, ps);
            var rounds = Int(Get(p, "previousRounds", $"{ps}.previousRounds"), $"{ps}.previousRounds", 1, 10);
            if (severity is { } s && rounds is { } r) persistent = new(s, r);
        }

        return polarBias is { } pbs && overRegulation is not null && divergence is not null && multiple is not null && newPolar is { } nps && persistent is not null
            ? new FlagRules(pbs, overRegulation, divergence, multiple, nps, persistent)
            : null;
    }

    private PriorityThresholds? Priority(JsonElement? element)
    {
        if (element is not { } e || !Object(e, "priority", ["monitorAtLeast", "priorityAtLeast"])) return null;
        var monitor = Int(Get(e, "monitorAtLeast", "priority.monitorAtLeast"), "priority.monitorAtLeast", 1, 10_000);
        var priority = Int(Get(e, "priorityAtLeast", "priority.priorityAtLeast"), "priority.priorityAtLeast", 1, 10_000);
        if (monitor is { } m && priority is { } p)
        {
            if (p < m) _v.Add("priority.priorityAtLeast", "priority.priorityAtLeast must not be below monitorAtLeast.");
            else return new PriorityThresholds(m, p);
        }
        return null;
    }

    // ---- primitives -------------------------------------------------------------------------------------------

    private bool Object(JsonElement e, string path, ReadOnlySpan<string> allowed)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            _v.Add(path, $"{path} must be an object.");
            return false;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in e.EnumerateObject())
        {
            var propertyPath = path == "model" ? property.Name : $"{path}.{property.Name}";
            if (!allowed.Contains(property.Name)) _v.Add(propertyPath, $"{propertyPath} is not a known property.");
            else if (!seen.Add(property.Name)) _v.Add(propertyPath, $"{propertyPath} appears more than once.");
        }
        return true;
    }

    private JsonElement? Get(JsonElement obj, string name, string path, bool required = true)
    {
        if (obj.TryGetProperty(name, out var value)) return value;
        if (required) _v.Add(path, $"{path} is required.");
        return null;
    }

    private string? Text(JsonElement e, string path, int maxLength)
    {
        if (e.ValueKind != JsonValueKind.String)
        {
            _v.Add(path, $"{path} must be a string.");
            return null;
        }
        var text = e.GetString()!;
        if (text.Length == 0 || text.Length > maxLength)
        {
            _v.Add(path, $"{path} must be 1 to {maxLength} characters.");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            _v.Add(path, $"{path} contains control characters.");
            return null;
        }
        return text;
    }

    private int? Int(JsonElement? element, string path, int min, int max)
    {
        if (element is not { } e) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var value))
        {
            _v.Add(path, $"{path} must be an integer.");
            return null;
        }
        if (value < min || value > max)
        {
            _v.Add(path, max == int.MaxValue ? $"{path} must be at least {min}." : $"{path} must be from {min} to {max}.");
            return null;
        }
        return value;
    }

    private decimal? Decimal(JsonElement? element, string path, decimal min, decimal max)
    {
        if (element is not { } e) return null;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDecimal(out var value))
        {
            _v.Add(path, $"{path} must be a number.");
            return null;
        }
        if (decimal.Round(value, MaxDecimalPlaces) != value)
        {
            _v.Add(path, $"{path} must have at most {MaxDecimalPlaces} decimal places.");
            return null;
        }
        if (value < min || value > max)
        {
            _v.Add(path, $"{path} must be from {min} to {max}.");
            return null;
        }
        return value;
    }
}
