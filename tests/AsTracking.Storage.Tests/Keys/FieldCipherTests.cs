using System.Buffers.Text;
using System.Security.Cryptography;
using AsTracking.Storage.Keys;

namespace AsTracking.Storage.Tests.Keys;

public sealed class FieldCipherTests
{
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);
    private static readonly byte[] Aad = FieldCipher.AssociatedData("Pupils", "school-p", "pupil-r", "Surname");

    [Theory]
    [InlineData("Smith")]
    [InlineData("")]
    [InlineData("Zoë O'Brien-Łukasz 🙂")]
    public void Field_round_trips_under_the_same_key_and_associated_data_R19(string value)
    {
        var ciphertext = FieldCipher.Encrypt(value, Key, Aad);

        Assert.Equal(value, FieldCipher.Decrypt(ciphertext, Key, Aad));
    }

    [Fact]
    public void Field_ciphertext_is_a_compact_v1_base64url_string_without_the_plaintext_R19()
    {
        var ciphertext = FieldCipher.Encrypt("A123456789012", Key, Aad);

        Assert.StartsWith("v1.", ciphertext);
        Assert.DoesNotContain("A123456789012", ciphertext);
        Assert.Matches("^v1\\.[A-Za-z0-9_-]+$", ciphertext);
        // nonce (12) + plaintext (13) + tag (16)
        Assert.Equal(12 + 13 + 16, Base64Url.DecodeFromChars(ciphertext.AsSpan(3)).Length);
    }

    [Fact]
    public void Field_ciphertext_with_any_flipped_byte_fails_to_decrypt_R19()
    {
        var ciphertext = FieldCipher.Encrypt("Smith", Key, Aad);
        var raw = Base64Url.DecodeFromChars(ciphertext.AsSpan(3));

        for (var i = 0; i < raw.Length; i++)
        {
            var tampered = (byte[])raw.Clone();
            tampered[i] ^= 0x01;
            var text = "v1." + Base64Url.EncodeToString(tampered);

            Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(text, Key, Aad));
        }
    }

    [Fact]
    public void Field_ciphertext_does_not_decrypt_under_another_key_R19()
    {
        var ciphertext = FieldCipher.Encrypt("Smith", Key, Aad);

        Assert.ThrowsAny<CryptographicException>(
            () => FieldCipher.Decrypt(ciphertext, RandomNumberGenerator.GetBytes(32), Aad));
    }

    [Fact]
    public void Field_ciphertext_does_not_decrypt_under_another_property_R19()
    {
        var ciphertext = FieldCipher.Encrypt("Smith", Key, Aad);
        var otherProperty = FieldCipher.AssociatedData("Pupils", "school-p", "pupil-r", "Forename");

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(ciphertext, Key, otherProperty));
    }

    [Theory]
    [InlineData("Pupils", "school-p", "other-pupil")]
    [InlineData("Pupils", "other-school", "pupil-r")]
    [InlineData("Archive", "school-p", "pupil-r")]
    public void Field_ciphertext_does_not_decrypt_on_another_entity_R19(string table, string partitionKey, string rowKey)
    {
        var ciphertext = FieldCipher.Encrypt("Smith", Key, Aad);
        var otherEntity = FieldCipher.AssociatedData(table, partitionKey, rowKey, "Surname");

        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(ciphertext, Key, otherEntity));
    }

    [Fact]
    public void Associated_data_is_unambiguous_when_parts_are_split_differently_R19()
    {
        Assert.NotEqual(
            FieldCipher.AssociatedData("T", "ab", "c", "P"),
            FieldCipher.AssociatedData("T", "a", "bc", "P"));
    }

    [Fact]
    public void Encrypting_the_same_value_twice_uses_fresh_nonces_R19()
    {
        var nonces = new HashSet<string>();
        var ciphertexts = new HashSet<string>();

        for (var i = 0; i < 1000; i++)
        {
            var ciphertext = FieldCipher.Encrypt("Smith", Key, Aad);
            ciphertexts.Add(ciphertext);
            nonces.Add(Convert.ToHexString(Base64Url.DecodeFromChars(ciphertext.AsSpan(3))[..12]));
        }

        Assert.Equal(1000, ciphertexts.Count);
        Assert.Equal(1000, nonces.Count);
    }

    [Theory]
    [InlineData("Smith")]
    [InlineData("v2.AAAA")]
    [InlineData("v1.not base64!")]
    [InlineData("v1.AAAA")]
    public void Malformed_field_ciphertext_is_a_cryptographic_error_R19(string text)
    {
        Assert.ThrowsAny<CryptographicException>(() => FieldCipher.Decrypt(text, Key, Aad));
    }

    [Fact]
    public void Keys_that_are_not_32_bytes_are_rejected_R19()
    {
        Assert.Throws<ArgumentException>(() => FieldCipher.Encrypt("Smith", new byte[16], Aad));
    }
}
