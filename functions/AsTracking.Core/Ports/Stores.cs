using AsTracking.Core.Audit;
using AsTracking.Core.Consent;
using AsTracking.Core.Pupils;
using AsTracking.Core.Roll;
using AsTracking.Core.Schools;
using AsTracking.Core.Staff;

namespace AsTracking.Core.Ports;

public interface ISchoolStore
{
    Task<School?> GetAsync(string schoolId, CancellationToken ct);

    /// <summary>Creates or replaces the profile; returns true when it was created.</summary>
    Task<bool> UpsertAsync(School school, CancellationToken ct);
}

public interface IStaffStore
{
    Task<StaffMember?> GetAsync(string schoolId, string tenantId, string objectId, CancellationToken ct);

    /// <summary>Creates or replaces the record; returns true when it was created.</summary>
    Task<bool> UpsertAsync(StaffMember member, CancellationToken ct);

    /// <summary>Every school record of one Entra identity, through an index keyed by (tid, oid).</summary>
    Task<IReadOnlyList<StaffMember>> ListForIdentityAsync(string tenantId, string objectId, CancellationToken ct);
}

/// <summary>A school's roll. Implementations encrypt identity fields (R19) and keep lookups keyed by HMAC.</summary>
public interface IRollStore
{
    /// <summary>A consistent snapshot: never a half-applied import. Version identifies the roll it was read at.</summary>
    Task<RollSnapshot> ListAsync(string schoolId, CancellationToken ct);

    Task<Pupil?> GetAsync(string schoolId, string pupilId, CancellationToken ct);

    /// <summary>Every pupil's roll status and consent, consistent like <see cref="ListAsync"/>, without opening any identifier.</summary>
    Task<IReadOnlyList<PupilState>> ListStatesAsync(string schoolId, CancellationToken ct);

    /// <summary>Roll status and consent of one pupil, without opening any identifier: one point read.</summary>
    Task<PupilState?> GetStateAsync(string schoolId, string pupilId, CancellationToken ct);

    /// <summary>Finds a pupil by UPN through the keyed-hash index, never by a raw identifier.</summary>
    Task<Pupil?> FindByUpnAsync(string schoolId, string upn, CancellationToken ct);

    /// <summary>
    /// Applies a planned change set so that readers see it whole or not at all. Safe to call again with the
    /// same plan after a failure: the plan is journaled first and completed by whoever comes next.
    /// Returns false, writing nothing, when the roll is no longer at <paramref name="expectedVersion"/>.
    /// </summary>
    Task<bool> ApplyAsync(RollChangeSet changes, string expectedVersion, CancellationToken ct);
}

public interface IConsentStore
{
    Task<IReadOnlyList<ConsentEvent>> HistoryAsync(string schoolId, string pupilId, CancellationToken ct);

    /// <summary>
    /// Appends an event and sets the pupil's opt-out flag in one atomic step. Returns false when the
    /// expected sequence is taken (a concurrent writer): the caller reloads and decides again.
    /// </summary>
    Task<bool> AppendAsync(string schoolId, string pupilId, ConsentEvent entry, bool optedOut, bool erasureRequested, CancellationToken ct);
}

public interface IAuditTrail
{
    Task AppendAsync(AuditRecord record, CancellationToken ct);

    /// <summary>Appends several entries in order, in as few chained writes as the store allows.</summary>
    Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct);

    /// <summary>
    /// Appends one school's records in one chained write, once per <paramref name="onceKey"/>: a repeat (a redelivered
    /// message, a retry after a crash) appends nothing and returns false. Keys hold opaque ids only, never identifiers.
    /// </summary>
    Task<bool> AppendOnceAsync(string onceKey, IReadOnlyList<AuditRecord> records, CancellationToken ct);

    Task<IReadOnlyList<AuditEntry>> ReadAsync(string schoolId, string? pupilId, DateTimeOffset? fromTime, DateTimeOffset? toTime, CancellationToken ct);

    Task<AuditVerification> VerifyAsync(string schoolId, CancellationToken ct);
}

/// <summary>Keyed pseudonyms (HMAC) so that no raw identifier is ever a key or a log value (R19).</summary>
public interface IPseudonymizer
{
    ValueTask<string> UpnIndexKeyAsync(string schoolId, string upn, CancellationToken ct);

    ValueTask<string> PupilPseudonymAsync(string schoolId, string pupilId, CancellationToken ct);

    /// <summary>A keyed hash with no school scope, for global lookups (assessment codes, client addresses).</summary>
    ValueTask<string> GlobalKeyAsync(string purpose, string value, CancellationToken ct);
}

/// <summary>The due-date index the timers read (R16, R17). Adding is idempotent.</summary>
public interface IDueIndex
{
    Task AddAsync(Retention.DueItem item, CancellationToken ct);

    Task AddManyAsync(IReadOnlyList<Retention.DueItem> items, CancellationToken ct);

    /// <summary>Items of a rule due on or before the given day, oldest first, at most <paramref name="max"/>.</summary>
    Task<IReadOnlyList<Retention.DueItem>> DueAsync(string rule, DateOnly onOrBefore, int max, CancellationToken ct);

    Task RemoveAsync(Retention.DueItem item, CancellationToken ct);
}

/// <summary>Storage reachability for the health endpoint.</summary>
public interface IHealthProbe
{
    Task<bool> IsHealthyAsync(CancellationToken ct);
}
