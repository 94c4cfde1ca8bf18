#!/usr/bin/env pwsh
# azd postprovision hook (Windows, PowerShell 7). Seeds the app's two Key Vault secrets (R19) if they are absent:
#   pupil-kek           the key-encryption key that wraps the per-pupil data keys
#   pseudonym-hmac-key  the HMAC key of the lookup indexes and audit pseudonyms
# Each is the base64 of 32 random bytes. An existing secret is never replaced: a new key would make every
# wrapped data key and every index entry unreadable. Rotate deliberately, by adding a version, not here.
# Needs the Azure CLI signed in (`az login`) as the deploying principal, which main.bicep makes
# Key Vault Secrets Officer. The secret value goes through a temporary file, never the command line.
$ErrorActionPreference = 'Stop'

$vault = $env:AZURE_KEY_VAULT_NAME
if ([string]::IsNullOrWhiteSpace($vault)) {
    throw "postprovision: AZURE_KEY_VAULT_NAME is not set; run 'azd provision' first."
}
if (-not (Get-Command az -ErrorAction SilentlyContinue)) {
    throw 'postprovision: the Azure CLI (az) is required to seed the Key Vault secrets.'
}

function Set-SecretIfAbsent([string] $name) {
    for ($attempt = 1; ; $attempt++) {
        $out = & { $ErrorActionPreference = 'Continue'; az keyvault secret show --vault-name $vault --name $name --query id --output tsv 2>&1 }
        if ($LASTEXITCODE -eq 0) {
            Write-Host "postprovision: secret '$name' already exists in $vault; left unchanged."
            return
        }
        if ("$out" -match 'SecretNotFound') { break }
        # Right after provisioning the role assignment may still be propagating (403): wait and retry.
        if ($attempt -ge 20) { throw "postprovision: cannot read secret '$name' in ${vault}: $out" }
        Write-Host "postprovision: waiting for Key Vault access ($attempt/20)..."
        Start-Sleep -Seconds 15
    }

    $bytes = [System.Security.Cryptography.RandomNumberGenerator]::GetBytes(32)
    $file = New-TemporaryFile
    try {
        [System.IO.File]::WriteAllText($file.FullName, [Convert]::ToBase64String($bytes))
        az keyvault secret set --vault-name $vault --name $name --file $file.FullName --encoding utf-8 --output none
        if ($LASTEXITCODE -ne 0) { throw "postprovision: could not create secret '$name' in $vault." }
        Write-Host "postprovision: secret '$name' created in $vault."
    }
    finally {
        Remove-Item -LiteralPath $file.FullName -Force -ErrorAction SilentlyContinue
        [Array]::Clear($bytes, 0, $bytes.Length)
    }
}

Set-SecretIfAbsent 'pupil-kek'
Set-SecretIfAbsent 'pseudonym-hmac-key'
