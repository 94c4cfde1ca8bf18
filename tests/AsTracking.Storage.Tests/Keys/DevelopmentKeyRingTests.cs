using AsTracking.Core.Ports;
using AsTracking.Storage.Keys;

namespace AsTracking.Storage.Tests.Keys;

public sealed class DevelopmentKeyRingTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "astracking-keys-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task In_memory_ring_creates_a_stable_32_byte_key_on_first_use_R19()
    {
        var ring = DevelopmentKeyRing.InMemory();

        var first = await ring.GetCurrentAsync(SecretNames.HmacKey, default);
        var second = await ring.GetCurrentAsync(SecretNames.HmacKey, default);

        Assert.Equal(32, first.Material.Length);
        Assert.Equal(first.Version, second.Version);
        Assert.Equal(first.Material, second.Material);
        Assert.Matches("^[0-9a-f]{16}$", first.Version);
    }

    [Fact]
    public async Task Separate_rings_and_separate_names_get_different_keys_R19()
    {
        var ring = DevelopmentKeyRing.InMemory();

        var kek = await ring.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);
        var hmac = await ring.GetCurrentAsync(SecretNames.HmacKey, default);
        var otherRing = await DevelopmentKeyRing.InMemory().GetCurrentAsync(SecretNames.HmacKey, default);

        Assert.NotEqual(kek.Material, hmac.Material);
        Assert.NotEqual(hmac.Material, otherRing.Material);
    }

    [Fact]
    public async Task Rotation_adds_a_new_current_version_and_keeps_old_versions_readable_R19()
    {
        var ring = DevelopmentKeyRing.InMemory();
        var old = await ring.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);

        var rotated = ring.Rotate(SecretNames.KeyEncryptionKey);

        var current = await ring.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);
        var oldAgain = await ring.GetVersionAsync(SecretNames.KeyEncryptionKey, old.Version, default);
        Assert.Equal(rotated.Version, current.Version);
        Assert.NotEqual(old.Version, current.Version);
        Assert.NotEqual(old.Material, current.Material);
        Assert.Equal(old.Material, oldAgain.Material);
    }

    [Fact]
    public async Task Unknown_version_is_not_found_R19()
    {
        var ring = DevelopmentKeyRing.InMemory();
        await ring.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);

        await Assert.ThrowsAsync<KeyNotFoundException>(
            async () => await ring.GetVersionAsync(SecretNames.KeyEncryptionKey, "0123456789abcdef", default));
    }

    [Fact]
    public async Task File_backed_ring_keeps_keys_and_versions_across_restarts_R19()
    {
        var path = Path.Combine(_directory, "nested", "keys.json");
        var ring = DevelopmentKeyRing.LoadOrCreate(path);
        var old = await ring.GetCurrentAsync(SecretNames.KeyEncryptionKey, default);
        var rotated = ring.Rotate(SecretNames.KeyEncryptionKey);
        var hmac = await ring.GetCurrentAsync(SecretNames.HmacKey, default);

        var reloaded = DevelopmentKeyRing.LoadOrCreate(path);

        Assert.Equal(rotated.Material, (await reloaded.GetCurrentAsync(SecretNames.KeyEncryptionKey, default)).Material);
        Assert.Equal(old.Material, (await reloaded.GetVersionAsync(SecretNames.KeyEncryptionKey, old.Version, default)).Material);
        var hmacAgain = await reloaded.GetCurrentAsync(SecretNames.HmacKey, default);
        Assert.Equal(hmac.Version, hmacAgain.Version);
        Assert.Equal(hmac.Material, hmacAgain.Material);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task File_backed_ring_is_written_owner_only_on_unix_R19()
    {
        var path = Path.Combine(_directory, "keys.json");
        var ring = DevelopmentKeyRing.LoadOrCreate(path);
        Assert.False(File.Exists(path));

        await ring.GetCurrentAsync(SecretNames.HmacKey, default);
        ring.Rotate(SecretNames.HmacKey);

        // Unix file modes do not exist on Windows; there the folder's ACL applies.
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Corrupt_key_file_is_rejected_without_echoing_key_material_R19()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "keys.json");
        File.WriteAllText(path, """{"pupil-kek":{"Current":"aa","Versions":{"aa":"c2hvcnQ="}}}""");

        var error = Assert.Throws<InvalidOperationException>(() => DevelopmentKeyRing.LoadOrCreate(path));

        Assert.Contains("pupil-kek", error.Message);
        Assert.DoesNotContain("c2hvcnQ=", error.Message);
    }
}
