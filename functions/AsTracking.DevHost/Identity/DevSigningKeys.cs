using System.Security.Cryptography;
using System.Text;

namespace AsTracking.DevHost.Identity;

/// <summary>
/// The development token signing key pair: an RSA-2048 private key (PKCS#8 PEM, owner-only) and its public key
/// (SubjectPublicKeyInfo PEM), created on first use. Creation is safe when several processes race: each file is
/// written to a temporary name and moved into place without overwriting.
/// </summary>
public static class DevSigningKeys
{
    public const int KeySizeBits = 2048;

    /// <summary>Creates the key pair in <c>&lt;repo&gt;/.devhost</c> if missing and returns the file paths.</summary>
    public static DevKeyFiles EnsureCreated(string repositoryRoot) =>
        EnsureCreated(DevDefaults.PrivateKeyPath(repositoryRoot), DevDefaults.PublicKeyPath(repositoryRoot));

    /// <summary>Creates the private key file if missing, and (re)writes the public key file if missing or not matching it.</summary>
    public static DevKeyFiles EnsureCreated(string privateKeyPath, string publicKeyPath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(privateKeyPath))!;
        CreatePrivateDirectory(directory);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(publicKeyPath))!);

        if (!File.Exists(privateKeyPath))
        {
            using var rsa = RSA.Create(KeySizeBits);
            WriteOnce(privateKeyPath, rsa.ExportPkcs8PrivateKeyPem(), ownerOnly: true);
        }

        using var privateKey = LoadPrivateKey(privateKeyPath);
        var publicPem = privateKey.ExportSubjectPublicKeyInfoPem();
        if (!File.Exists(publicKeyPath) || !PemEquals(File.ReadAllText(publicKeyPath), publicPem))
        {
            WriteReplacing(publicKeyPath, publicPem);
        }
        return new DevKeyFiles(Path.GetFullPath(privateKeyPath), Path.GetFullPath(publicKeyPath));
    }

    public static RSA LoadPrivateKey(string privateKeyPath)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(privateKeyPath));
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    public static RSA LoadPublicKey(string publicKeyPath)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(File.ReadAllText(publicKeyPath));
            return rsa;
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <summary>RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key; used as the token's <c>kid</c>.</summary>
    public static string KeyId(RSA key)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        var json = "{\"e\":\"" + Base64Url(p.Exponent!) + "\",\"kty\":\"RSA\",\"n\":\"" + Base64Url(p.Modulus!) + "\"}";
        return Base64Url(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool PemEquals(string a, string b) => a.Trim().ReplaceLineEndings("\n") == b.Trim().ReplaceLineEndings("\n");

    private static void CreatePrivateDirectory(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string WriteTemp(string path, string content, bool ownerOnly)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly
                ? UnixFileMode.UserRead | UnixFileMode.UserWrite
                : UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        }
        using (var stream = new FileStream(temp, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)))
        {
            writer.Write(content);
            writer.Write('\n');
        }
        return temp;
    }

    private static void WriteOnce(string path, string content, bool ownerOnly)
    {
        var temp = WriteTemp(path, content, ownerOnly);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: keep theirs.
            File.Delete(temp);
        }
    }

    private static void WriteReplacing(string path, string content)
    {
        var temp = WriteTemp(path, content, ownerOnly: false);
        File.Move(temp, path, overwrite: true);
    }
}

/// <summary>Paths of the development key pair.</summary>
public sealed record DevKeyFiles(string PrivateKeyPemFile, string PublicKeyPemFile);
