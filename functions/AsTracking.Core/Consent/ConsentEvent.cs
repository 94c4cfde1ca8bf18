namespace AsTracking.Core.Consent;

public enum ConsentDecision { OptOut, OptIn }

public enum ConsentRequester { Parent, Pupil }

/// <summary>One entry of a pupil's consent history (R9). History is append-only.</summary>
public sealed record ConsentEvent(
    int Sequence,
    ConsentDecision Decision,
    ConsentRequester RequestedBy,
    DateOnly ReceivedOn,
    string? Note,
    bool Erase,
    string RecordedBy,
    DateTimeOffset RecordedAt)
{
    /// <summary>Two requests describe the same event when everything the caller sent is equal (safe retries).</summary>
    public bool SameRequestAs(ConsentEvent other) =>
        Decision == other.Decision && RequestedBy == other.RequestedBy && ReceivedOn == other.ReceivedOn
        && string.Equals(Note, other.Note, StringComparison.Ordinal) && Erase == other.Erase
        && string.Equals(RecordedBy, other.RecordedBy, StringComparison.Ordinal);
}

public sealed record ConsentState(string PupilId, bool OptedOut, bool ErasureRequested, IReadOnlyList<ConsentEvent> History);
