using AsTracking.Core.Audit;
using AsTracking.Core.Ports;
using AsTracking.Core.Schools;
using AsTracking.Core.Staff;

namespace AsTracking.Core.Tests.Fakes;

// Small in-memory ports for pure use-case tests; storage behaviour itself is tested against Azurite.

internal sealed class InMemorySchools : ISchoolStore
{
    public Dictionary<string, School> Items { get; } = [];
    public Task<School?> GetAsync(string schoolId, CancellationToken ct) => Task.FromResult(Items.GetValueOrDefault(schoolId));
    public Task<bool> UpsertAsync(School school, CancellationToken ct)
    {
        var created = !Items.ContainsKey(school.SchoolId);
        Items[school.SchoolId] = school;
        return Task.FromResult(created);
    }
}

internal sealed class InMemoryStaff : IStaffStore
{
    public List<StaffMember> Items { get; } = [];
    public Task<StaffMember?> GetAsync(string schoolId, string tenantId, string objectId, CancellationToken ct) =>
        Task.FromResult(Items.FirstOrDefault(m => m.SchoolId == schoolId && m.TenantId == tenantId && m.ObjectId == objectId));
    public Task<bool> UpsertAsync(StaffMember member, CancellationToken ct)
    {
        var removed = Items.RemoveAll(m => m.SchoolId == member.SchoolId && m.TenantId == member.TenantId && m.ObjectId == member.ObjectId);
        Items.Add(member);
        return Task.FromResult(removed == 0);
    }
    public Task<IReadOnlyList<StaffMember>> ListForIdentityAsync(string tenantId, string objectId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<StaffMember>>(Items.Where(m => m.TenantId == tenantId && m.ObjectId == objectId).ToList());
}

internal sealed class RecordingAudit : IAuditTrail
{
    public List<AuditRecord> Records { get; } = [];
    public Task AppendAsync(AuditRecord record, CancellationToken ct)
    {
        Records.Add(record);
        return Task.CompletedTask;
    }
    public Task AppendManyAsync(IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        Records.AddRange(records);
        return Task.CompletedTask;
    }
    public HashSet<string> OnceKeys { get; } = [];
    public Task<bool> AppendOnceAsync(string onceKey, IReadOnlyList<AuditRecord> records, CancellationToken ct)
    {
        if (!OnceKeys.Add(onceKey)) return Task.FromResult(false);
        Records.AddRange(records);
        return Task.FromResult(true);
    }
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(string schoolId, string? pupilId, DateTimeOffset? fromTime, DateTimeOffset? toTime, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([]);
    public Task<AuditVerification> VerifyAsync(string schoolId, CancellationToken ct) => Task.FromResult(new AuditVerification(0, true, null));
}

internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
