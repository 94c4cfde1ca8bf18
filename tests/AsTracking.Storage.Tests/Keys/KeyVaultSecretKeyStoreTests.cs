using System.Security.Cryptography;
using AsTracking.Core.Ports;
using AsTracking.Storage.Keys;

namespace AsTracking.Storage.Tests.Keys;

public sealed class KeyVaultSecretKeyStoreTests
{
    private readonly FakeKeyVault _vault = new();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2025, 9, 1, 8, 0, 0, TimeSpan.Zero));

    private KeyVaultSecretKeyStore CreateStore(TimeSpan? ttl = null) => new(_vault.CreateClient(), _time, ttl);

    private static (byte[] Bytes, string Base64) NewKey()
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        return (bytes, Convert.ToBase64String(bytes));
    }

    [Fact]
    public async Task Current_key_is_read_from_key_vault_through_the_auth_challenge_R19()
    {
        var (bytes, base64) = NewKey();
        var version = _vault.SetSecret(SecretNames.KeyEncryptionKey, base64);

        var key = await CreateStore().GetCurrentAsync(SecretNames.KeyEncryptionKey, default);

        Assert.Equal(SecretNames.KeyEncryptionKey, key.Name);
        Assert.Equal(version, key.Version);
        Assert.Equal(bytes, key.Material);
        Assert.Equal(1, _vault.ChallengeCount);
        Assert.Equal(1, _vault.TotalRequests);
    }

    [Fact]
    public async Task A_specific_version_is_fetched_once_then_served_from_cache_R19()
    {
        var (bytes, base64) = NewKey();
        var version = _vault.SetSecret(SecretNames.KeyEncryptionKey, base64);
        _vault.SetSecret(SecretNames.KeyEncryptionKey, NewKey().Base64);
        var store = CreateStore();

        for (var i = 0; i < 3; i++)
        {
            var key = await store.GetVersionAsync(SecretNames.KeyEncryptionKey, version, default);
            Assert.Equal(bytes, key.Material);
            _time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(1, _vault.RequestsTo($"/secrets/{SecretNames.KeyEncryptionKey}/{version}"));
        Assert.Equal(1, _vault.TotalRequests);
    }

    [Fact]
    public async Task Current_key_is_cached_for_the_ttl_then_reread_to_pick_up_a_rotation_R19()
    {
        var first = _vault.SetSecret(SecretNames.KeyEncryptionKey, NewKey().Base64);
        var store = CreateStore();

        Assert.Equal(first, (await store.GetCurrentAsync(SecretNames.KeyEncryptionKey, default)).Version);
        var second = _vault.SetSecret(SecretNames.KeyEncryptionKey, NewKey().Base64);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(first, (await store.GetCurrentAsync(SecretNames.KeyEncryptionKey, default)).Version);
        Assert.Equal(1, _vault.TotalRequests);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(second, (await store.GetCurrentAsync(SecretNames.KeyEncryptionKey, default)).Version);
        Assert.Equal(2, _vault.RequestsTo($"/secrets/{SecretNames.KeyEncryptionKey}"));
        Assert.Equal(2, _vault.TotalRequests);
    }

    [Fact]
    public async Task Current_key_ttl_is_configurable_R19()
    {
        _vault.SetSecret(SecretNames.HmacKey, NewKey().Base64);
        var store = CreateStore(TimeSpan.FromSeconds(30));

        await store.GetCurrentAsync(SecretNames.HmacKey, default);
        _time.Advance(TimeSpan.FromSeconds(29));
        await store.GetCurrentAsync(SecretNames.HmacKey, default);
        Assert.Equal(1, _vault.TotalRequests);

        _time.Advance(TimeSpan.FromSeconds(1));
        await store.GetCurrentAsync(SecretNames.HmacKey, default);
        Assert.Equal(2, _vault.TotalRequests);
    }

    [Fact]
    public async Task Reading_current_also_caches_that_version_R19()
    {
        var version = _vault.SetSecret(SecretNames.KeyEncryptionKey, NewKey().Base64);
        var store = CreateStore();

        var current = await store.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);
        var byVersion = await store.GetVersionAsync(SecretNames.KeyEncryptionKey, version, default);

        Assert.Equal(current.Material, byVersion.Material);
        Assert.Equal(1, _vault.TotalRequests);
    }

    [Fact]
    public async Task Concurrent_readers_of_an_expired_key_share_one_fetch_R19()
    {
        var version = _vault.SetSecret(SecretNames.HmacKey, NewKey().Base64);
        var store = CreateStore();
        _vault.Hold();

        var readers = Enumerable.Range(0, 20)
            .Select(_ => store.GetCurrentAsync(SecretNames.HmacKey, default).AsTask())
            .Concat(Enumerable.Range(0, 20).Select(_ => store.GetVersionAsync(SecretNames.HmacKey, version, default).AsTask()))
            .ToList();
        await _vault.Arrived.WaitAsync(TimeSpan.FromSeconds(10));
        _vault.Release();
        var keys = await Task.WhenAll(readers).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(keys, key => Assert.Equal(version, key.Version));
        Assert.Equal(1, _vault.RequestsTo($"/secrets/{SecretNames.HmacKey}"));
        // The version readers either waited for their own single fetch or found it cached by the current read.
        Assert.True(_vault.RequestsTo($"/secrets/{SecretNames.HmacKey}/{version}") <= 1);
    }

    [Fact]
    public async Task Cancellation_reaches_the_key_vault_call_R19()
    {
        _vault.SetSecret(SecretNames.HmacKey, NewKey().Base64);
        var store = CreateStore();
        _vault.Hold();
        using var cts = new CancellationTokenSource();

        var read = store.GetCurrentAsync(SecretNames.HmacKey, cts.Token).AsTask();
        await _vault.Arrived.WaitAsync(TimeSpan.FromSeconds(10));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(64)]
    public async Task Secret_of_the_wrong_length_fails_with_an_error_naming_the_secret_but_not_the_value_R19(int length)
    {
        var value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(length));
        _vault.SetSecret(SecretNames.KeyEncryptionKey, value);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await CreateStore().GetCurrentAsync(SecretNames.KeyEncryptionKey, default));

        Assert.Contains(SecretNames.KeyEncryptionKey, error.Message);
        Assert.Contains("32", error.Message);
        Assert.DoesNotContain(value, error.Message);
    }

    [Fact]
    public async Task Secret_that_is_not_base64_fails_with_an_error_naming_the_secret_but_not_the_value_R19()
    {
        _vault.SetSecret(SecretNames.HmacKey, "not-a-key!");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await CreateStore().GetCurrentAsync(SecretNames.HmacKey, default));

        Assert.Contains(SecretNames.HmacKey, error.Message);
        Assert.DoesNotContain("not-a-key!", error.Message);
    }

    [Fact]
    public async Task A_bad_secret_is_not_cached_so_fixing_it_in_key_vault_recovers_R19()
    {
        _vault.SetSecret(SecretNames.HmacKey, Convert.ToBase64String(new byte[16]));
        var store = CreateStore();
        await Assert.ThrowsAsync<InvalidOperationException>(
            async () => await store.GetCurrentAsync(SecretNames.HmacKey, default));

        var fixedVersion = _vault.SetSecret(SecretNames.HmacKey, NewKey().Base64);

        Assert.Equal(fixedVersion, (await store.GetCurrentAsync(SecretNames.HmacKey, default)).Version);
        Assert.Equal(2, _vault.TotalRequests);
    }
}
