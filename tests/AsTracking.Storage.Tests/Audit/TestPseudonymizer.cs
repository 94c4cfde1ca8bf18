using System.Security.Cryptography;
using System.Text;
using AsTracking.Core.Ports;

namespace AsTracking.Storage.Tests.Audit;

/// <summary>A keyed (HMAC-SHA256) pseudonymizer with a fixed test key, standing in for the Key Vault-backed one.</summary>
internal sealed class TestPseudonymizer : IPseudonymizer
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("as-tracking-audit-tests-fixed-key");

    public ValueTask<string> UpnIndexKeyAsync(string schoolId, string upn, CancellationToken ct) =>
        ValueTask.FromResult(Hash("upn", schoolId, upn));

    public ValueTask<string> PupilPseudonymAsync(string schoolId, string pupilId, CancellationToken ct) =>
        ValueTask.FromResult(Hash("pupil", schoolId, pupilId));

    private static string Hash(string purpose, string schoolId, string value) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes($"{purpose}\n{schoolId}\n{value}")));
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
