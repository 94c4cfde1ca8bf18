#!/bin/sh
# azd postprovision hook (POSIX). Seeds the app's two Key Vault secrets (R19) if they are absent:
#   pupil-kek           the key-encryption key that wraps the per-pupil data keys
#   pseudonym-hmac-key  the HMAC key of the lookup indexes and audit pseudonyms
# Each is the base64 of 32 random bytes. An existing secret is never replaced: a new key would make every
# wrapped data key and every index entry unreadable. Rotate deliberately, by adding a version, not here.
# Needs the Azure CLI signed in (`az login`) as the deploying principal, which main.bicep makes
# Key Vault Secrets Officer. The secret value goes through a private temporary file, never the command line.
set -eu

vault="${AZURE_KEY_VAULT_NAME:-}"
if [ -z "$vault" ]; then
  echo "postprovision: AZURE_KEY_VAULT_NAME is not set; run 'azd provision' first." >&2
  exit 1
fi
if ! command -v az >/dev/null 2>&1; then
  echo "postprovision: the Azure CLI (az) is required to seed the Key Vault secrets." >&2
  exit 1
fi

seed() {
  name=$1
  attempt=1
  while :; do
    if out=$(az keyvault secret show --vault-name "$vault" --name "$name" --query id --output tsv 2>&1); then
      echo "postprovision: secret '$name' already exists in $vault; left unchanged."
      return 0
    fi
    case $out in
      *SecretNotFound*) break ;;
    esac
    # Right after provisioning the role assignment may still be propagating (403): wait and retry.
    if [ "$attempt" -ge 20 ]; then
      echo "postprovision: cannot read secret '$name' in $vault: $out" >&2
      return 1
    fi
    echo "postprovision: waiting for Key Vault access ($attempt/20)..."
    attempt=$((attempt + 1))
    sleep 15
  done

  file=$(umask 077 && mktemp)
  head -c 32 /dev/urandom | base64 | tr -d '\n' >"$file"
  if az keyvault secret set --vault-name "$vault" --name "$name" --file "$file" --encoding utf-8 --output none; then
    rm -f "$file"
    echo "postprovision: secret '$name' created in $vault."
  else
    rm -f "$file"
    echo "postprovision: could not create secret '$name' in $vault." >&2
    return 1
  fi
}

seed pupil-kek
seed pseudonym-hmac-key
