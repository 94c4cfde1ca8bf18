using System.Security.Cryptography;
using System.Text.Json;
using AsTracking.Core.Ports;

namespace AsTracking.Storage.Keys;

/// <summary>
/// A stand-in for Key Vault on a developer machine and in tests. Keys are 32 random bytes created the first time
/// a name is asked for; versions are short random hex ids; <see cref="Rotate"/> adds a new current version and
/// keeps the old ones readable, like Key Vault. Either purely in memory, or kept in a JSON file so local data
/// stays readable across restarts: put that file in an ignored folder (for example <c>.devhost/</c>); it is
/// written owner-only on Unix. Never used in Azure.
/// Returned key material is shared with the ring: callers must not modify it.
/// </summary>
public sealed class DevelopmentKeyRing : ISecretKeyStore
{
    private const int KeySize = 32;
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly object _lock = new();
    private readonly string? _path;
    private readonly Dictionary<string, Secret> _secrets;

    private DevelopmentKeyRing(string? path, Dictionary<string, Secret> secrets)
    {
        _path = path;
        _secrets = secrets;
    }

    /// <summary>A ring with fresh random keys that lives only as long as this object.</summary>
    public static DevelopmentKeyRing InMemory() => new(null, new Dictionary<string, Secret>(StringComparer.Ordinal));

    /// <summary>Loads the ring from <paramref name="path"/>, or starts an empty one written there on first use.</summary>
    public static DevelopmentKeyRing LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);
        var secrets = new Dictionary<string, Secret>(StringComparer.Ordinal);
        if (File.Exists(fullPath))
        {
            var file = JsonSerializer.Deserialize<Dictionary<string, FileSecret>>(File.ReadAllText(fullPath), JsonOptions)
                ?? throw new InvalidOperationException("The development key ring file is empty.");
            foreach (var (name, stored) in file)
            {
                secrets[name] = Secret.FromFile(name, stored);
            }
        }

        return new DevelopmentKeyRing(fullPath, secrets);
    }

    public ValueTask<VersionedKey> GetCurrentAsync(string name, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_lock)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                secret = new Secret();
                secret.AddVersion();
                _secrets[name] = secret;
                Save();
            }

            return ValueTask.FromResult(new VersionedKey(name, secret.Current, secret.Versions[secret.Current]));
        }
    }

    public ValueTask<VersionedKey> GetVersionAsync(string name, string version, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(version);
        lock (_lock)
        {
            if (_secrets.TryGetValue(name, out var secret) && secret.Versions.TryGetValue(version, out var material))
            {
                return ValueTask.FromResult(new VersionedKey(name, version, material));
            }
        }

        throw new KeyNotFoundException($"Secret '{name}' has no version '{version}' in the development key ring.");
    }

    /// <summary>Adds a new random version of <paramref name="name"/> and makes it current; old versions stay readable.</summary>
    public VersionedKey Rotate(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_lock)
        {
            if (!_secrets.TryGetValue(name, out var secret))
            {
                secret = new Secret();
                _secrets[name] = secret;
            }

            var version = secret.AddVersion();
            Save();
            return new VersionedKey(name, version, secret.Versions[version]);
        }
    }

    /// <summary>Writes the whole ring to a temporary owner-only file, then renames it over the old one.</summary>
    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        var file = _secrets.ToDictionary(
            pair => pair.Key,
            pair => new FileSecret
            {
                Current = pair.Value.Current,
                Versions = pair.Value.Versions.ToDictionary(v => v.Key, v => Convert.ToBase64String(v.Value)),
            },
            StringComparer.Ordinal);
        var json = JsonSerializer.SerializeToUtf8Bytes(file, JsonOptions);

        var directory = Path.GetDirectoryName(_path)!;
        var temp = _path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        else
        {
            Directory.CreateDirectory(directory);
        }

        // A leftover temp file would keep its old mode, so start from nothing.
        File.Delete(temp);
        using (var stream = new FileStream(temp, options))
        {
            stream.Write(json);
        }

        File.Move(temp, _path, overwrite: true);
    }

    private sealed class Secret
    {
        public string Current { get; private set; } = "";

        public Dictionary<string, byte[]> Versions { get; } = new(StringComparer.Ordinal);

        public string AddVersion()
        {
            var version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            Versions[version] = RandomNumberGenerator.GetBytes(KeySize);
            Current = version;
            return version;
        }

        public static Secret FromFile(string name, FileSecret stored)
        {
            var secret = new Secret();
            foreach (var (version, value) in stored.Versions)
            {
                byte[] material;
                try
                {
                    material = Convert.FromBase64String(value);
                }
                catch (FormatException)
                {
                    throw new InvalidOperationException($"Development key '{name}' version '{version}' is not base64.");
                }

                if (material.Length != KeySize)
                {
                    throw new InvalidOperationException(
                        $"Development key '{name}' version '{version}' is not {KeySize} bytes.");
                }

                secret.Versions[version] = material;
            }

            if (!secret.Versions.ContainsKey(stored.Current))
            {
                throw new InvalidOperationException($"Development key '{name}' has no material for its current version.");
            }

            secret.Current = stored.Current;
            return secret;
        }
    }

    internal sealed class FileSecret
    {
        public string Current { get; set; } = "";

        public Dictionary<string, string> Versions { get; set; } = new(StringComparer.Ordinal);
    }
}
