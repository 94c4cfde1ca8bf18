using System.Security.Cryptography;
using AsTracking.Core.Ports;
using AsTracking.Storage.Keys;

namespace AsTracking.Storage.Tests.Keys;

public sealed class DataKeyWrapperTests
{
    private readonly DevelopmentKeyRing _ring = DevelopmentKeyRing.InMemory();

    [Fact]
    public async Task Data_key_round_trips_through_wrapping_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);

        var (dataKey, wrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);
        var unwrapped = await wrapper.UnwrapAsync("100001", "pupil-1", wrapped, default);

        Assert.Equal(32, dataKey.Length);
        Assert.Equal(dataKey, unwrapped);
        Assert.StartsWith("v1.", wrapped.Ciphertext);
    }

    [Fact]
    public async Task Each_pupil_gets_a_different_data_key_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);

        var first = await wrapper.GenerateAsync("100001", "pupil-1", default);
        var second = await wrapper.GenerateAsync("100001", "pupil-2", default);

        Assert.NotEqual(first.DataKey, second.DataKey);
    }

    [Theory]
    [InlineData("100001", "pupil-2")]
    [InlineData("100002", "pupil-1")]
    public async Task Wrapped_key_does_not_unwrap_for_another_school_or_pupil_R19(string schoolId, string pupilId)
    {
        var wrapper = new DataKeyWrapper(_ring);
        var (_, wrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);

        await Assert.ThrowsAnyAsync<CryptographicException>(
            async () => await wrapper.UnwrapAsync(schoolId, pupilId, wrapped, default));
    }

    [Fact]
    public async Task Tampered_wrapped_key_does_not_unwrap_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);
        var (_, wrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);
        var chars = wrapped.Ciphertext.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A';

        await Assert.ThrowsAnyAsync<CryptographicException>(async () =>
            await wrapper.UnwrapAsync("100001", "pupil-1", wrapped with { Ciphertext = new string(chars) }, default));
    }

    [Fact]
    public async Task After_KEK_rotation_old_wrapped_keys_unwrap_and_new_ones_use_the_new_version_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);
        var (oldKey, oldWrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);

        var rotated = _ring.Rotate(SecretNames.KeyEncryptionKey);
        var (newKey, newWrapped) = await wrapper.GenerateAsync("100001", "pupil-2", default);

        Assert.NotEqual(oldWrapped.KekVersion, rotated.Version);
        Assert.Equal(rotated.Version, newWrapped.KekVersion);
        Assert.Equal(oldKey, await wrapper.UnwrapAsync("100001", "pupil-1", oldWrapped, default));
        Assert.Equal(newKey, await wrapper.UnwrapAsync("100001", "pupil-2", newWrapped, default));
    }

    [Fact]
    public async Task Rewrapping_an_old_data_key_moves_it_to_the_current_KEK_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);
        var (dataKey, oldWrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);
        _ring.Rotate(SecretNames.KeyEncryptionKey);

        var unwrapped = await wrapper.UnwrapAsync("100001", "pupil-1", oldWrapped, default);
        var rewrapped = await wrapper.WrapAsync("100001", "pupil-1", unwrapped, default);

        Assert.NotEqual(oldWrapped.KekVersion, rewrapped.KekVersion);
        Assert.Equal(dataKey, await wrapper.UnwrapAsync("100001", "pupil-1", rewrapped, default));
    }

    [Fact]
    public async Task Fields_encrypted_under_a_data_key_decrypt_after_unwrapping_it_R19()
    {
        var wrapper = new DataKeyWrapper(_ring);
        var aad = FieldCipher.AssociatedData("Pupils", "p", "r", "Upn");
        var (dataKey, wrapped) = await wrapper.GenerateAsync("100001", "pupil-1", default);
        var field = FieldCipher.Encrypt("A123456789012", dataKey, aad);
        CryptographicOperations.ZeroMemory(dataKey);

        var unwrapped = await wrapper.UnwrapAsync("100001", "pupil-1", wrapped, default);

        Assert.Equal("A123456789012", FieldCipher.Decrypt(field, unwrapped, aad));
    }
}
