using System.Globalization;
using AsTracking.Core.Assessments;
using AsTracking.Core.Scoring;
using AsTracking.Storage.Tables;
using Azure.Data.Tables;

namespace AsTracking.Storage.Assessments;

/// <summary>
/// A pupil's polar state per scored round under one model version (<c>trend|{pupilId}|{modelVersion}</c>), one
/// property per round (<c>r2026_27_1</c> = the packed <see cref="PolarHistory"/>). It lets scoring read the trend
/// history with a point read instead of a range read of the pupil's results, which Azurite answers by scanning the
/// whole table. It holds no more than the results beside it, and goes when they go.
/// </summary>
internal static class TrendRow
{
    private const char Prefix = 'r';

    public static TableEntity For(AssessmentResult result) => new(result.SchoolId, RowKeys.Trend(result.PupilId, result.ModelVersion))
    {
        [PropertyName(result.Round.Key)] = (int)result.Scoring.Polar.Bits,
    };

    public static IEnumerable<(string RoundKey, PolarHistory Polar)> Rounds(TableEntity row)
    {
        foreach (var (name, value) in row)
        {
            if (name.Length < 2 || name[0] != Prefix || value is not int bits) continue;
            var roundKey = name[1..].Replace('_', '-');
            if (AcademicRound.TryFromKey(roundKey, out _)) yield return (roundKey, PolarHistory.FromBits((ushort)bits));
        }
    }

    // Round keys ("2026-27-1") hold '-', which property names may not.
    private static string PropertyName(string roundKey) => Prefix + roundKey.Replace('-', '_');
}
