using System.Diagnostics;
using AsTracking.Core.Ports;
using AsTracking.Infra.Tests.Support;

namespace AsTracking.Infra.Tests;

/// <summary>R19: the postprovision hook seeds the two app secrets once, with 32 random bytes, and never replaces them.</summary>
public sealed class PostprovisionHookTests
{
    [Theory]
    [InlineData("postprovision.sh")]
    [InlineData("postprovision.ps1")]
    public void Hook_seeds_exactly_the_two_secrets_the_app_reads_from_the_vault_azd_provisioned(string script)
    {
        var text = Repository.Read("infra", "hooks", script);
        Assert.Contains(SecretNames.KeyEncryptionKey, text);
        Assert.Contains(SecretNames.HmacKey, text);
        Assert.Contains("AZURE_KEY_VAULT_NAME", text);
        // Show first, set only when the vault answers SecretNotFound.
        Assert.True(text.IndexOf("secret show", StringComparison.Ordinal) < text.IndexOf("secret set", StringComparison.Ordinal));
        Assert.Contains("SecretNotFound", text);
        Assert.Contains("32", text);
    }

    [Fact]
    public void Posix_hook_creates_a_missing_secret_and_leaves_an_existing_one_unchanged()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // needs sh, head, base64; covered on the Linux CI machine
        }

        var bin = Directory.CreateTempSubdirectory("astracking-hook-");
        try
        {
            var log = Path.Combine(bin.FullName, "az.log");
            // A stand-in for the Azure CLI: pupil-kek exists, pseudonym-hmac-key does not.
            var fakeAz = Path.Combine(bin.FullName, "az");
            File.WriteAllText(fakeAz, $$"""
                #!/bin/sh
                case "$*" in
                  *"secret show"*" {{SecretNames.KeyEncryptionKey}} "*) echo "https://vault/secrets/{{SecretNames.KeyEncryptionKey}}/1"; exit 0 ;;
                  *"secret show"*) echo "ERROR: (SecretNotFound) A secret with (name/id) was not found in this key vault." >&2; exit 3 ;;
                  *"secret set"*)
                    file=$(echo "$*" | sed 's/.*--file \([^ ]*\).*/\1/')
                    echo "set $* bytes=$(base64 -d "$file" | wc -c | tr -d ' ')" >> "{{log}}"; exit 0 ;;
                esac
                exit 9
                """.Replace("\r\n", "\n", StringComparison.Ordinal));
            File.SetUnixFileMode(fakeAz, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

            var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Repository.PathOf("infra", "hooks", "postprovision.sh"));
            start.Environment["PATH"] = bin.FullName + ":" + Environment.GetEnvironmentVariable("PATH");
            start.Environment["AZURE_KEY_VAULT_NAME"] = "kv-test";
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)));

            Assert.True(process.ExitCode == 0, output);
            var sets = File.ReadAllLines(log);
            var set = Assert.Single(sets);
            Assert.Contains($"--name {SecretNames.HmacKey} ", set);
            Assert.Contains("--vault-name kv-test", set);
            Assert.EndsWith("bytes=32", set);
            Assert.Contains($"secret '{SecretNames.KeyEncryptionKey}' already exists", output);
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }
}
