metadata name = 'Key Vault'
metadata description = '''Key Vault with RBAC authorization, soft delete and purge protection, holding the storage encryption key.
The app's two secrets (pupil-kek, pseudonym-hmac-key) are seeded by the postprovision hook, since Bicep cannot
make random bytes without rewriting them on every provision (shape of avm/res/key-vault/vault).'''

import { roleAssigneeType } from 'types.bicep'

@description('Name of the vault (globally unique, 3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Location of the vault.')
param location string

@description('Tags of the vault.')
param tags object = {}

@description('Whether the vault answers on its public endpoint. Disabled needs private endpoints (not in this template) for the app, the storage account and the deploy hook.')
@allowed([
  'Enabled'
  'Disabled'
])
param publicNetworkAccess string = 'Enabled'

@description('Days a deleted vault, key or secret can be recovered. With purge protection it cannot be purged sooner.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int = 90

@description('Name of the RSA key that encrypts the storage account (customer-managed key).')
param encryptionKeyName string

@description('Identities that read the app secrets at run time: Key Vault Secrets User on the vault.')
param secretReaders roleAssigneeType[] = []

@description('The deploying principal, who seeds the app secrets in the postprovision hook: Key Vault Secrets Officer on the vault.')
param secretOfficers roleAssigneeType[] = []

@description('Identities that wrap and unwrap with the storage key: Key Vault Crypto Service Encryption User on that key only.')
param encryptionKeyUsers roleAssigneeType[] = []

@description('Log Analytics workspace that receives the vault audit log.')
param logAnalyticsWorkspaceResourceId string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: publicNetworkAccess
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: publicNetworkAccess == 'Enabled' ? 'Allow' : 'Deny'
    }
  }
}

resource encryptionKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: vault
  name: encryptionKeyName
  properties: {
    kty: 'RSA'
    keySize: 3072
    keyOps: [
      'wrapKey'
      'unwrapKey'
    ]
    // Storage follows the key's latest version (no version is pinned), so rotation needs no redeploy.
    rotationPolicy: {
      attributes: {
        expiryTime: 'P2Y'
      }
      lifetimeActions: [
        {
          trigger: {
            timeAfterCreate: 'P1Y'
          }
          action: {
            type: 'rotate'
          }
        }
        {
          trigger: {
            timeBeforeExpiry: 'P30D'
          }
          action: {
            type: 'notify'
          }
        }
      ]
    }
  }
}

resource secretsUser 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '4633458b-17de-408a-b874-0445c86b69e6'
}

resource secretsOfficer 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'
}

resource cryptoServiceEncryptionUser 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: 'e147488a-f6f5-4113-8e2d-b22465e65bf6'
}

resource secretReaderAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignee in secretReaders: {
    scope: vault
    name: guid(vault.id, assignee.principalId, secretsUser.id)
    properties: {
      roleDefinitionId: secretsUser.id
      principalId: assignee.principalId
      principalType: assignee.principalType
    }
  }
]

resource secretOfficerAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignee in secretOfficers: {
    scope: vault
    name: guid(vault.id, assignee.principalId, secretsOfficer.id)
    properties: {
      roleDefinitionId: secretsOfficer.id
      principalId: assignee.principalId
      principalType: assignee.principalType
    }
  }
]

resource encryptionKeyUserAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignee in encryptionKeyUsers: {
    scope: encryptionKey
    name: guid(encryptionKey.id, assignee.principalId, cryptoServiceEncryptionUser.id)
    properties: {
      roleDefinitionId: cryptoServiceEncryptionUser.id
      principalId: assignee.principalId
      principalType: assignee.principalType
    }
  }
]

resource auditLog 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: vault
  name: 'audit-to-log-analytics'
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

@description('Resource id of the vault.')
output resourceId string = vault.id

@description('Name of the vault.')
output name string = vault.name

@description('URI of the vault, for the KeyVault__Uri setting and the storage encryption settings.')
output uri string = vault.properties.vaultUri

@description('Name of the storage encryption key.')
output encryptionKeyName string = encryptionKey.name
