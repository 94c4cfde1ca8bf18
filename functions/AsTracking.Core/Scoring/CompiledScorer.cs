using System.Numerics;
using System.Runtime.CompilerServices;

namespace AsTracking.Core.Scoring;

/// <summary>
/// A <see cref="ScoringModel"/> compiled into lookup tables (<see cref="ScoringModel.Compile"/>, once per model).
/// Scoring is a pure function of the two answer sets and the polar history, and allocates nothing.
/// </summary>
/// <remarks>
/// Every comparison is exact. A factor's score is determined by its keyed sum k (an integer), so the band of
/// every possible k is decided once, in <see cref="decimal"/>, when the model is compiled; so is whether a keyed-sum
/// difference |k_out − k_in| reaches the context-divergence threshold ((k_out − offset)·scale − (k_in − offset)·scale
/// = (k_out − k_in)·scale). Over-regulation is decided on the raw answers' S = Σx and Q = Σx² over n answers:
/// mean ∈ [a, b] ⇔ ⌈a·n⌉ ≤ S ≤ ⌊b·n⌋, and population SD ≤ t ⇔ nQ − S² ≤ ⌊t²·n²⌋ (for default-v1: 48 ≤ S ≤ 64 and
/// 16Q − S² ≤ 64).
/// </remarks>
public sealed class CompiledScorer
{
    private const int Cells = ScoringNames.ContextCount * ScoringNames.FactorCount;

    private readonly int _items;
    private readonly int _answerMin;
    private readonly uint _answerSpan;

    // Per item (0-based): its factor, and keyed = add + sign × value.
    private readonly int[] _factorOf;
    private readonly int[] _keyAdd;
    private readonly int[] _keySign;

    // Per factor: the smallest keyed sum and where its rows start in the score and band tables.
    private readonly int[] _sumMin;
    private readonly int[] _tableStart;
    private readonly double[] _scoreTable;
    private readonly Band[] _bandTable;
    private readonly PolarDirection[] _polarOfBand;
    private readonly bool[] _divergentAt;

    private readonly int _polarSeverity;
    private readonly int _overRegulationSeverity;
    private readonly int _overRegulationMinSum;
    private readonly int _overRegulationMaxSum;
    private readonly long _overRegulationSpreadLimit;
    private readonly int _divergenceSeverity;
    private readonly int _multipleSeverity;
    private readonly int _multipleAt;
    private readonly int _newPolarSeverity;
    private readonly int _persistentSeverity;
    private readonly int _persistentRounds;
    private readonly int _monitorAt;
    private readonly int _priorityAt;

    internal CompiledScorer(ScoringModel model)
    {
        Model = model;
        _items = model.Items;
        _answerMin = model.AnswerMin;
        _answerSpan = (uint)(model.AnswerMax - model.AnswerMin);

        _factorOf = new int[_items];
        _keyAdd = new int[_items];
        _keySign = new int[_items];
        Array.Fill(_keySign, 1);
        foreach (var item in model.ReverseKeyed)
        {
            _keyAdd[item - 1] = model.AnswerMin + model.AnswerMax;
            _keySign[item - 1] = -1;
        }

        _sumMin = new int[ScoringNames.FactorCount];
        _tableStart = new int[ScoringNames.FactorCount];
        var scores = new List<double>();
        var bands = new List<Band>();
        int widest = 0;
        foreach (var factor in ScoringNames.Factors)
        {
            var items = model.ItemsOf(factor);
            foreach (var item in items) _factorOf[item - 1] = (int)factor;
            int min = items.Length * model.AnswerMin, max = items.Length * model.AnswerMax;
            _sumMin[(int)factor] = min;
            _tableStart[(int)factor] = scores.Count;
            widest = Math.Max(widest, max - min);
            for (int k = min; k <= max; k++)
            {
                decimal score = (k - model.ScoreOffset) * model.ScoreScale;
                scores.Add((double)score);
                bands.Add(BandOf(model, score));
            }
        }
        _scoreTable = [.. scores];
        _bandTable = [.. bands];

        _polarOfBand = new PolarDirection[ScoringNames.BandCount];
        foreach (var band in model.Bands) _polarOfBand[(int)band.Band] = band.Polar;

        var flags = model.Flags;
        _divergentAt = new bool[widest + 1];
        for (int d = 0; d <= widest; d++) _divergentAt[d] = d * model.ScoreScale >= flags.ContextDivergence.DifferenceAtLeast;

        decimal n = _items;
        _overRegulationMinSum = (int)decimal.Ceiling(flags.OverRegulation.MeanAtLeast * n);
        _overRegulationMaxSum = (int)decimal.Floor(flags.OverRegulation.MeanAtMost * n);
        _overRegulationSpreadLimit = (long)decimal.Floor(flags.OverRegulation.SdAtMost * flags.OverRegulation.SdAtMost * n * n);

        _polarSeverity = flags.PolarBiasSeverity;
        _overRegulationSeverity = flags.OverRegulation.Severity;
        _divergenceSeverity = flags.ContextDivergence.Severity;
        _multipleSeverity = flags.MultiplePolar.Severity;
        _multipleAt = flags.MultiplePolar.PolarBiasAtLeast;
        _newPolarSeverity = flags.NewPolarSeverity;
        _persistentSeverity = flags.Persistent.Severity;
        _persistentRounds = flags.Persistent.PreviousRounds;
        _monitorAt = model.Priority.MonitorAtLeast;
        _priorityAt = model.Priority.PriorityAtLeast;
    }

    public ScoringModel Model { get; }

    /// <summary>Scores one sitting into <paramref name="card"/>, overwriting all of it. Allocates nothing.</summary>
    /// <param name="outOfSchool">The 16 raw answers (1-6) of the outOfSchool context, in item order.</param>
    /// <param name="inSchool">The 16 raw answers of the inSchool context.</param>
    /// <param name="previousRounds">The polar state of the pupil's previous scored rounds, newest first; empty for a
    /// first round. Only the first <c>max(1, persistent.previousRounds)</c> entries are read.</param>
    /// <param name="card">Receives scores, bands, flags, summed severity, priority and this round's polar state.</param>
    /// <exception cref="Errors.ValidationFailedException">An answer set is not exactly 16 integers from 1 to 6
    /// (field names such as <c>outOfSchool[3]</c>, 0-based). Check with <see cref="AnswerValidator"/> first.</exception>
    public void Score(ReadOnlySpan<int> outOfSchool, ReadOnlySpan<int> inSchool, scoped ReadOnlySpan<PolarHistory> previousRounds, ref ScoreCard card)
    {
        SumContext(outOfSchool, 0, ref card);
        SumContext(inSchool, 1, ref card);
        Classify(previousRounds, ref card);
    }

    /// <inheritdoc cref="Score(ReadOnlySpan{int}, ReadOnlySpan{int}, ReadOnlySpan{PolarHistory}, ref ScoreCard)"/>
    public void Score(ReadOnlySpan<byte> outOfSchool, ReadOnlySpan<byte> inSchool, scoped ReadOnlySpan<PolarHistory> previousRounds, ref ScoreCard card)
    {
        SumContext(outOfSchool, 0, ref card);
        SumContext(inSchool, 1, ref card);
        Classify(previousRounds, ref card);
    }

    /// <summary>Scores one sitting into an immutable <see cref="ScoringResult"/> (allocates; for storage and reports).</summary>
    public ScoringResult Score(ReadOnlySpan<int> outOfSchool, ReadOnlySpan<int> inSchool, ReadOnlySpan<PolarHistory> previousRounds = default)
    {
        var card = new ScoreCard();
        Score(outOfSchool, inSchool, previousRounds, ref card);
        return ToResult(in card);
    }

    /// <summary>Copies a card this scorer filled into an immutable <see cref="ScoringResult"/> that records the model.</summary>
    public ScoringResult ToResult(in ScoreCard card)
    {
        return new ScoringResult(Model.Id, Model.Version, Context(in card, AssessmentContext.OutOfSchool), Context(in card, AssessmentContext.InSchool),
            new FlagList(card.Flags.ToArray()), card.SummedSeverity, card.Priority, card.Polar);

        static ContextResult Context(in ScoreCard card, AssessmentContext c) => new(
            Factor(in card, c, Scoring.Factor.SelfDisclosure), Factor(in card, c, Scoring.Factor.TrustOfSelf),
            Factor(in card, c, Scoring.Factor.TrustOfOthers), Factor(in card, c, Scoring.Factor.SeekingChange),
            card.Mean(c), card.StandardDeviation(c));

        static FactorResult Factor(in ScoreCard card, AssessmentContext c, Factor f) => new(card.Score(c, f), card.Band(c, f), card.KeyedSum(c, f));
    }

    private void SumContext<T>(ReadOnlySpan<T> answers, int context, ref ScoreCard card) where T : unmanaged, IBinaryInteger<T>
    {
        if (answers.Length != _items) AnswerValidator.ThrowCount(context, answers.Length, _items);
        Span<int> keyed = ((Span<int>)card.KeyedCells).Slice(context * ScoringNames.FactorCount, ScoringNames.FactorCount);
        keyed.Clear();
        var factorOf = _factorOf;
        var add = _keyAdd;
        var sign = _keySign;
        int sum = 0, squares = 0;
        for (int i = 0; i < answers.Length; i++)
        {
            int v = int.CreateSaturating(answers[i]);
            if ((uint)(v - _answerMin) > _answerSpan) AnswerValidator.ThrowValue(context, i);
            sum += v;
            squares += v * v;
            keyed[factorOf[i]] += add[i] + sign[i] * v;
        }
        card.RawSums[context] = sum;
        card.RawSquareSums[context] = squares;
    }

    private void Classify(scoped ReadOnlySpan<PolarHistory> previousRounds, ref ScoreCard card)
    {
        card.Items = _items;
        card.FlagCount = 0;
        int severity = 0;
        int polarCount = 0;
        var polar = PolarHistory.None;

        // Bands and polar-bias: outOfSchool then inSchool, factors in order.
        var tableStart = _tableStart;
        var sumMin = _sumMin;
        var scoreTable = _scoreTable;
        var bandTable = _bandTable;
        var polarOfBand = _polarOfBand;
        for (int cell = 0; cell < Cells; cell++)
        {
            int factor = cell & (ScoringNames.FactorCount - 1);
            int row = tableStart[factor] + card.KeyedCells[cell] - sumMin[factor];
            card.ScoreCells[cell] = scoreTable[row];
            var band = bandTable[row];
            card.BandCells[cell] = band;
            var direction = polarOfBand[(int)band];
            if (direction != PolarDirection.None)
            {
                polar = polar.With(cell, direction);
                polarCount++;
                severity += _polarSeverity;
                card.AddFlag(new Flag(FlagType.PolarBias, (Factor)factor, (AssessmentContext)(cell >> 2), direction, _polarSeverity));
            }
        }

        // Over-regulation, on the raw answers, in exact integers.
        for (int context = 0; context < ScoringNames.ContextCount; context++)
        {
            long s = card.RawSums[context];
            if (s >= _overRegulationMinSum && s <= _overRegulationMaxSum && (long)_items * card.RawSquareSums[context] - s * s <= _overRegulationSpreadLimit)
            {
                severity += _overRegulationSeverity;
                card.AddFlag(new Flag(FlagType.OverRegulation, null, (AssessmentContext)context, PolarDirection.None, _overRegulationSeverity));
            }
        }

        // Context divergence, per factor.
        for (int factor = 0; factor < ScoringNames.FactorCount; factor++)
        {
            int difference = Math.Abs(card.KeyedCells[factor] - card.KeyedCells[ScoringNames.FactorCount + factor]);
            if (_divergentAt[difference])
            {
                severity += _divergenceSeverity;
                card.AddFlag(new Flag(FlagType.ContextDivergence, (Factor)factor, null, PolarDirection.None, _divergenceSeverity));
            }
        }

        if (polarCount >= _multipleAt)
        {
            severity += _multipleSeverity;
            card.AddFlag(new Flag(FlagType.MultiplePolar, null, null, PolarDirection.None, _multipleSeverity));
        }

        // Trend: only with at least one previous scored round.
        if (polarCount > 0 && previousRounds.Length > 0)
        {
            var previous = previousRounds[0];
            for (int cell = 0; cell < Cells; cell++)
            {
                var direction = polar[cell];
                if (direction != PolarDirection.None && previous[cell] == PolarDirection.None)
                {
                    severity += _newPolarSeverity;
                    card.AddFlag(new Flag(FlagType.NewPolar, (Factor)(cell & 3), (AssessmentContext)(cell >> 2), direction, _newPolarSeverity));
                }
            }
            if (previousRounds.Length >= _persistentRounds)
            {
                for (int cell = 0; cell < Cells; cell++)
                {
                    var direction = polar[cell];
                    if (direction != PolarDirection.None && SameInAll(previousRounds[.._persistentRounds], cell, direction))
                    {
                        severity += _persistentSeverity;
                        card.AddFlag(new Flag(FlagType.Persistent, (Factor)(cell & 3), (AssessmentContext)(cell >> 2), direction, _persistentSeverity));
                    }
                }
            }
        }

        card.SummedSeverity = severity;
        card.Priority = severity >= _priorityAt ? PriorityLevel.Priority : severity >= _monitorAt ? PriorityLevel.Monitor : PriorityLevel.None;
        card.Polar = polar;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool SameInAll(scoped ReadOnlySpan<PolarHistory> rounds, int cell, PolarDirection direction)
    {
        foreach (var round in rounds)
        {
            if (round[cell] != direction) return false;
        }
        return true;
    }

    private static Band BandOf(ScoringModel model, decimal score)
    {
        foreach (var band in model.Bands)
        {
            if (band.Upper is not { } upper || (band.UpperInclusive ? score <= upper : score < upper)) return band.Band;
        }
        throw new InvalidOperationException("The top band has no upper edge, so every score has a band.");
    }
}
