using System.Runtime.CompilerServices;

namespace AsTracking.Core.Scoring;

/// <summary>
/// The polar state of one scored round: for each context × factor, <see cref="PolarDirection.None"/>,
/// <see cref="PolarDirection.Low"/> or <see cref="PolarDirection.High"/>. It is what the trend flags
/// (<c>new-polar</c>, <c>persistent</c>, R11) need from a pupil's previous scored rounds.
/// Packed into 16 bits (2 per cell, cell = context × 4 + factor) so that a history is a span of small values.
/// </summary>
public readonly record struct PolarHistory
{
    private const int Cells = ScoringNames.ContextCount * ScoringNames.FactorCount;
    private readonly ushort _bits;

    private PolarHistory(ushort bits) => _bits = bits;

    /// <summary>A scored round in which nothing was polar.</summary>
    public static PolarHistory None => default;

    /// <summary>The packed form, for storage. <see cref="FromBits"/> reverses it.</summary>
    public ushort Bits => _bits;

    public PolarDirection this[AssessmentContext context, Factor factor] => this[Cell(context, factor)];

    internal PolarDirection this[int cell]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => (PolarDirection)((_bits >> (cell * 2)) & 0b11);
    }

    /// <summary>How many context × factor cells are polar.</summary>
    public int PolarCount
    {
        get
        {
            int count = 0;
            for (int cell = 0; cell < Cells; cell++) if (this[cell] != PolarDirection.None) count++;
            return count;
        }
    }

    public PolarHistory With(AssessmentContext context, Factor factor, PolarDirection direction)
    {
        if (direction is not (PolarDirection.None or PolarDirection.Low or PolarDirection.High)) throw new ArgumentOutOfRangeException(nameof(direction));
        return With(Cell(context, factor), direction);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal PolarHistory With(int cell, PolarDirection direction)
    {
        int shift = cell * 2;
        return new PolarHistory((ushort)((_bits & ~(0b11 << shift)) | ((int)direction << shift)));
    }

    /// <summary>Reads <see cref="Bits"/> back; rejects bit patterns that no history produces.</summary>
    public static PolarHistory FromBits(ushort bits)
    {
        for (int cell = 0; cell < Cells; cell++)
        {
            if (((bits >> (cell * 2)) & 0b11) == 0b11) throw new ArgumentOutOfRangeException(nameof(bits), "A cell of a polar history holds an unknown direction.");
        }
        return new PolarHistory(bits);
    }

    /// <summary>Eight cells, outOfSchool then inSchool, each factor in order: <c>-</c> none, <c>L</c> low, <c>H</c> high; e.g. <c>LH--/----</c>.</summary>
    public override string ToString()
    {
        Span<char> text = stackalloc char[Cells + 1];
        int at = 0;
        for (int cell = 0; cell < Cells; cell++)
        {
            if (cell == ScoringNames.FactorCount) text[at++] = '/';
            text[at++] = this[cell] switch { PolarDirection.Low => 'L', PolarDirection.High => 'H', _ => '-' };
        }
        return new string(text);
    }

    /// <summary>Parses the <see cref="ToString"/> form.</summary>
    public static PolarHistory Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length != Cells + 1 || text[ScoringNames.FactorCount] != '/') throw new FormatException("A polar history looks like LH--/----.");
        var history = None;
        int cell = 0;
        foreach (var c in text)
        {
            if (c == '/') continue;
            var direction = c switch
            {
                '-' => PolarDirection.None,
                'L' => PolarDirection.Low,
                'H' => PolarDirection.High,
                _ => throw new FormatException("A polar history cell is '-', 'L' or 'H'."),
            };
            history = history.With(cell++, direction);
        }
        return history;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Cell(AssessmentContext context, Factor factor)
    {
        if ((uint)context >= ScoringNames.ContextCount) throw new ArgumentOutOfRangeException(nameof(context));
        if ((uint)factor >= ScoringNames.FactorCount) throw new ArgumentOutOfRangeException(nameof(factor));
        return (int)context * ScoringNames.FactorCount + (int)factor;
    }
}
