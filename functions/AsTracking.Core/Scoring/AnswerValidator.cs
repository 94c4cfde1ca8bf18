using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using AsTracking.Core.Contracts;
using AsTracking.Core.Errors;

namespace AsTracking.Core.Scoring;

/// <summary>
/// R8: each context of a submission is exactly 16 integers from 1 to 6. Problems are reported per field, with
/// 0-based indexes: <c>outOfSchool</c>, <c>inSchool[3]</c>.
/// </summary>
public static class AnswerValidator
{
    public const int Items = ScoringModel.ContractItems;
    public const int Min = ScoringModel.ContractAnswerMin;
    public const int Max = ScoringModel.ContractAnswerMax;

    /// <summary>Throws one <see cref="ValidationFailedException"/> listing every problem in either context.</summary>
    public static void Validate(IReadOnlyList<int>? outOfSchool, IReadOnlyList<int>? inSchool)
    {
        var v = new Validation();
        Check(v, outOfSchool, AssessmentContext.OutOfSchool.ToName());
        Check(v, inSchool, AssessmentContext.InSchool.ToName());
        v.ThrowIfInvalid();
    }

    /// <summary>
    /// Reads both contexts from JSON values as the request carried them (absent = <c>null</c>), rejecting a missing
    /// context, a non-array, a wrong count, and any element that is not an integer from 1 to 6 (a string, 2.5, true…).
    /// </summary>
    public static (int[] OutOfSchool, int[] InSchool) Read(JsonElement? outOfSchool, JsonElement? inSchool)
    {
        var v = new Validation();
        var outside = Read(v, outOfSchool, AssessmentContext.OutOfSchool.ToName());
        var inside = Read(v, inSchool, AssessmentContext.InSchool.ToName());
        v.ThrowIfInvalid();
        return (outside!, inside!);
    }

    private static void Check(Validation v, IReadOnlyList<int>? answers, string field)
    {
        if (answers is null)
        {
            v.Add(field, $"{field} is required.");
            return;
        }
        if (answers.Count != Items)
        {
            v.Add(field, CountMessage(field, answers.Count));
            return;
        }
        for (int i = 0; i < answers.Count; i++)
        {
            if (answers[i] is < Min or > Max) v.Add($"{field}[{i}]", ValueMessage(field, i));
        }
    }

    private static int[]? Read(Validation v, JsonElement? element, string field)
    {
        if (element is not { } e || e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            v.Add(field, $"{field} is required.");
            return null;
        }
        if (e.ValueKind != JsonValueKind.Array)
        {
            v.Add(field, $"{field} must be an array of {Items} integers from {Min} to {Max}.");
            return null;
        }
        int count = e.GetArrayLength();
        if (count != Items)
        {
            v.Add(field, CountMessage(field, count));
            return null;
        }
        var answers = new int[Items];
        int i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var value) || value is < Min or > Max)
            {
                v.Add($"{field}[{i}]", ValueMessage(field, i));
            }
            else answers[i] = value;
            i++;
        }
        return answers;
    }

    private static string CountMessage(string field, int count) => $"{field} must have exactly {Items} answers (it has {count}).";

    private static string ValueMessage(string field, int index) => $"{field}[{index}] must be an integer from {Min} to {Max}.";

    [DoesNotReturn]
    internal static void ThrowCount(int context, int count, int items) =>
        throw ValidationFailedException.For(((AssessmentContext)context).ToName(), $"{((AssessmentContext)context).ToName()} must have exactly {items} answers (it has {count}).");

    [DoesNotReturn]
    internal static void ThrowValue(int context, int index)
    {
        var field = ((AssessmentContext)context).ToName();
        throw ValidationFailedException.For($"{field}[{index}]", ValueMessage(field, index));
    }
}
