targetScope = 'subscription'

metadata name = 'AS Tracking'
metadata description = '''AS Tracking back end: Key Vault-protected storage, a Flex Consumption function app with a managed
identity, and monitoring, in a new resource group. Deployed by `azd up` (see README "Deploy").'''

// ---------------------------------------------------------------------------------------------------------------
// Parameters (main.parameters.json maps them from the azd environment)
// ---------------------------------------------------------------------------------------------------------------

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; it seeds the resource names and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of every resource. It must offer Flex Consumption.')
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the deploying principal (AZURE_PRINCIPAL_ID). It gets the storage data roles, for local runs against Azure, and Key Vault Secrets Officer, so the postprovision hook can seed the app secrets. Empty grants nothing.')
param principalId string = ''

@description('Kind of the deploying principal: User for a person, ServicePrincipal for a pipeline.')
@allowed([
  'User'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Name of the resource group. Empty makes rg-<environmentName>.')
param resourceGroupName string = ''

@description('Application (client) id of the API app registration in Entra ID (AzureAd__ClientId).')
@minLength(36)
@maxLength(36)
param azureAdClientId string

@description('Tenant of the app registration, or organizations when schools sign in from their own tenants (AzureAd__TenantId).')
@minLength(1)
param azureAdTenantId string = 'organizations'

@description('Entra ID instance (AzureAd__Instance). Defaults to the login endpoint of the cloud being deployed to.')
param azureAdInstance string = environment().authentication.loginEndpoint

@description('Delegated scope that staff tokens must carry (AzureAd__Scope).')
@minLength(1)
param azureAdScope string = 'access_as_user'

@description('Months that staff training stays valid (AsTracking__TrainingValidityMonths).')
@minValue(1)
@maxValue(120)
param trainingValidityMonths int = 24

@description('Cost ceiling: the most instances the function app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each function app instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Storage redundancy. Zone-redundant by default; pick Standard_LRS where the region has no zones.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
  'Standard_RAGRS'
  'Standard_RAGZRS'
])
param storageSkuName string = 'Standard_ZRS'

@description('Whether Key Vault answers on its public endpoint. Disabled needs private endpoints, which this template does not create.')
@allowed([
  'Enabled'
  'Disabled'
])
param keyVaultPublicNetworkAccess string = 'Enabled'

@description('Days a deleted vault, key or secret stays recoverable (purge protection forbids purging sooner).')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionInDays int = 90

// ---------------------------------------------------------------------------------------------------------------
// Names and the storage the app uses
// ---------------------------------------------------------------------------------------------------------------

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}api-${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
// The Flex Consumption deployment package lives in its own container, apart from the app's data.
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(toLower(uniqueString(functionAppName, resourceToken)), 7)}'

// Blob containers: roll-imports is used today; the others are for the submission, model, transfer, handover and
// export issues. The app never creates containers or queues on the hot path, so they are declared here.
var appContainers = [
  'roll-imports'
  'submissions'
  'models'
  'transfer-packages'
  'handover-packages'
  'exports'
]

// Queue triggers move a message to <queue>-poison after maxDequeueCount (5) failures.
var appQueues = [
  'assessment-scoring'
  'pastoral-alerts'
  'transfers'
  'transfer-notifications'
]

// The app also creates its tables on first use (CreateIfNotExists); declaring them makes a fresh environment
// complete before the first request.
var appTables = [
  'Schools'
  'StaffIndex'
  'DueIndex'
  'Audit'
]

var deployer = empty(principalId)
  ? []
  : [
      {
        principalId: principalId
        principalType: principalType
      }
    ]

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

// The app's identity: storage data, Key Vault secrets, telemetry.
module apiIdentity 'app/identity.bicep' = {
  name: 'api-identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}api-${resourceToken}'
    location: location
    tags: tags
  }
}

// The storage account's identity: only wraps and unwraps with the encryption key.
module storageIdentity 'app/identity.bicep' = {
  name: 'storage-identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentityUserAssignedIdentities}st-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    location: location
    tags: tags
    metricsPublishers: [
      {
        principalId: apiIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
  }
}

module keyVault 'app/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    location: location
    tags: tags
    publicNetworkAccess: keyVaultPublicNetworkAccess
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionInDays
    encryptionKeyName: 'storage-cmk'
    secretReaders: [
      {
        principalId: apiIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    secretOfficers: deployer
    encryptionKeyUsers: [
      {
        principalId: storageIdentity.outputs.principalId
        principalType: 'ServicePrincipal'
      }
    ]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.logAnalyticsWorkspaceResourceId
  }
}

// Created after the vault module, whose role assignments give the storage identity access to the key.
module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    location: location
    tags: tags
    skuName: storageSkuName
    encryptionIdentityResourceId: storageIdentity.outputs.resourceId
    keyVaultUri: keyVault.outputs.uri
    encryptionKeyName: keyVault.outputs.encryptionKeyName
    containers: concat(appContainers, [deploymentContainerName])
    queues: flatten(map(appQueues, queue => [queue, '${queue}-poison']))
    tables: appTables
    dataContributors: concat(
      [
        {
          principalId: apiIdentity.outputs.principalId
          principalType: 'ServicePrincipal'
        }
      ],
      deployer
    )
    logAnalyticsWorkspaceResourceId: monitoring.outputs.logAnalyticsWorkspaceResourceId
  }
}

module api 'app/function-app.bicep' = {
  name: 'api'
  scope: rg
  params: {
    name: functionAppName
    planName: '${abbrs.webServerFarms}${resourceToken}'
    location: location
    tags: tags
    serviceName: 'api'
    identityResourceId: apiIdentity.outputs.resourceId
    identityClientId: apiIdentity.outputs.clientId
    blobEndpoint: storage.outputs.blobEndpoint
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    deploymentContainerName: deploymentContainerName
    // A name known before deployment (not a module output) keeps What-If precise. The component exists by
    // then: this module waits for keyVault and storage, which wait for monitoring.
    applicationInsightsName: applicationInsightsName
    keyVaultUri: keyVault.outputs.uri
    azureAdInstance: azureAdInstance
    azureAdTenantId: azureAdTenantId
    azureAdClientId: azureAdClientId
    azureAdScope: azureAdScope
    trainingValidityMonths: trainingValidityMonths
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs: azd stores them in .azure/<env>/.env; the postprovision hook reads AZURE_KEY_VAULT_NAME.
// None of them is a secret.
// ---------------------------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_FUNCTION_APP_URL string = api.outputs.uri
output SERVICE_API_NAME string = api.outputs.name
output SERVICE_API_URI string = api.outputs.uri
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_URI string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_BLOB_ENDPOINT string = storage.outputs.blobEndpoint
output AZURE_STORAGE_QUEUE_ENDPOINT string = storage.outputs.queueEndpoint
output AZURE_STORAGE_TABLE_ENDPOINT string = storage.outputs.tableEndpoint
output AZURE_API_IDENTITY_CLIENT_ID string = apiIdentity.outputs.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
