using AsTracking.Core.Pupils;
using AsTracking.Core.Retention;

namespace AsTracking.Core.Roll;

/// <summary>
/// Everything one roll upload changes, planned in memory before anything is written, so storage can journal it
/// and apply it as a unit. ContentHash lets a retried upload be recognised.
/// </summary>
public sealed record RollChangeSet(
    string SchoolId,
    string ImportId,
    string ContentHash,
    IReadOnlyList<Pupil> Added,
    IReadOnlyList<Pupil> Updated,
    IReadOnlyList<Pupil> Left,
    IReadOnlyList<DueItem> Due,
    RollResult Result)
{
    public bool IsEmpty => Added.Count == 0 && Updated.Count == 0 && Left.Count == 0 && Due.Count == 0;
}

/// <summary>The roll as read at one version; an import planned on it applies only if the roll is still there.</summary>
public sealed record RollSnapshot(IReadOnlyList<Pupil> Pupils, string Version);
