using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AsTracking.Storage.Keys;

/// <summary>
/// Per-field authenticated encryption for pupil identifiers (R19). AES-256-GCM with a fresh 12-byte nonce per
/// value; the associated data binds a ciphertext to the entity and property it was written for, so a value
/// copied to another row or column fails to decrypt instead of silently reading as someone else's data.
/// Output: <c>v1.</c> + base64url(nonce | ciphertext | tag). Every failure to decrypt, including malformed
/// input, is a <see cref="CryptographicException"/> that carries no plaintext or ciphertext.
/// </summary>
public static class FieldCipher
{
    public const int KeySize = 32;
    public const int NonceSize = 12;
    public const int TagSize = 16;
    private const string Prefix = "v1.";

    /// <summary>Encrypts a string; the result is safe to store in a table property.</summary>
    public static string Encrypt(string plaintext, ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(plaintext);
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        try
        {
            return Seal(bytes, key, associatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Decrypts a value from <see cref="Encrypt"/>; throws if the key, associated data or value differ.</summary>
    public static string Decrypt(string ciphertext, ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        var bytes = Open(ciphertext, key, associatedData);
        try
        {
            return Encoding.UTF8.GetString(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>Encrypts raw bytes (for example a data key) into the same <c>v1.</c> format.</summary>
    public static string Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        RequireKey(key);
        var buffer = new byte[NonceSize + plaintext.Length + TagSize];
        var nonce = buffer.AsSpan(0, NonceSize);
        var body = buffer.AsSpan(NonceSize, plaintext.Length);
        var tag = buffer.AsSpan(NonceSize + plaintext.Length, TagSize);
        // Random nonces: with a per-pupil key the number of encryptions per key stays far below the 2^32 bound.
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(key, TagSize))
        {
            aes.Encrypt(nonce, plaintext, body, tag, associatedData);
        }
        return Prefix + Base64Url.EncodeToString(buffer);
    }

    /// <summary>Decrypts a value from <see cref="Seal"/>. The caller owns (and should zero) the returned buffer.</summary>
    public static byte[] Open(string ciphertext, ReadOnlySpan<byte> key, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(ciphertext);
        RequireKey(key);
        if (!ciphertext.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Encrypted field has an unknown format version.");
        }

        byte[] buffer;
        try
        {
            buffer = Base64Url.DecodeFromChars(ciphertext.AsSpan(Prefix.Length));
        }
        catch (FormatException)
        {
            throw new CryptographicException("Encrypted field is not valid base64url.");
        }

        if (buffer.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("Encrypted field is too short.");
        }

        var length = buffer.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(key, TagSize);
            aes.Decrypt(
                buffer.AsSpan(0, NonceSize),
                buffer.AsSpan(NonceSize, length),
                buffer.AsSpan(NonceSize + length, TagSize),
                plaintext,
                associatedData);
            return plaintext;
        }
        catch
        {
            CryptographicOperations.ZeroMemory(plaintext);
            throw;
        }
    }

    /// <summary>
    /// Associated data binding a field ciphertext to one property of one entity. The parts are length-prefixed
    /// so that no two different (table, keys, property) tuples encode to the same bytes.
    /// </summary>
    public static byte[] AssociatedData(string table, string partitionKey, string rowKey, string property) =>
        Encode("astracking.field.v1", table, partitionKey, rowKey, property);

    /// <summary>Unambiguous encoding of a domain tag and parts: each as a 4-byte big-endian length and UTF-8 bytes.</summary>
    internal static byte[] Encode(string domain, params ReadOnlySpan<string> parts)
    {
        var total = 4 + Encoding.UTF8.GetByteCount(domain);
        foreach (var part in parts)
        {
            ArgumentNullException.ThrowIfNull(part);
            total += 4 + Encoding.UTF8.GetByteCount(part);
        }

        var result = new byte[total];
        var offset = Write(result, 0, domain);
        foreach (var part in parts)
        {
            offset = Write(result, offset, part);
        }
        return result;

        static int Write(byte[] target, int offset, string value)
        {
            var written = Encoding.UTF8.GetBytes(value, target.AsSpan(offset + 4));
            BinaryPrimitives.WriteInt32BigEndian(target.AsSpan(offset, 4), written);
            return offset + 4 + written;
        }
    }

    private static void RequireKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"Field keys must be {KeySize} bytes.", nameof(key));
        }
    }
}
