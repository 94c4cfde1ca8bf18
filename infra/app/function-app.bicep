metadata name = 'Function app on Flex Consumption'
metadata description = '''Flex Consumption (FC1) Linux plan and function app running the .NET 10 isolated worker under a
user-assigned managed identity, with identity-based AzureWebJobsStorage__* settings and no connection
string holding a key (shape of avm/res/web/serverfarm and avm/res/web/site).'''

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Location of the plan and the app.')
param location string

@description('Tags of the plan and the app.')
param tags object = {}

@description('azd service name; azd finds the app to deploy to by the azd-service-name tag.')
param serviceName string = 'api'

@description('Resource id of the app identity.')
param identityResourceId string

@description('Client id of the app identity (AzureWebJobsStorage__clientId, DefaultAzureCredential).')
param identityClientId string

@description('Blob service endpoint of the storage account.')
param blobEndpoint string

@description('Queue service endpoint of the storage account.')
param queueEndpoint string

@description('Table service endpoint of the storage account.')
param tableEndpoint string

@description('Blob container that holds the deployment package.')
param deploymentContainerName string

@description('Name of the Application Insights component (local authentication disabled).')
param applicationInsightsName string

@description('URI of the Key Vault with the app secrets (KeyVault__Uri).')
param keyVaultUri string

@description('Entra ID instance (AzureAd__Instance).')
param azureAdInstance string

@description('Tenant of the API app registration, or organizations for a multi-tenant app (AzureAd__TenantId).')
param azureAdTenantId string

@description('Application (client) id of the API app registration (AzureAd__ClientId).')
param azureAdClientId string

@description('Delegated scope that staff tokens must carry (AzureAd__Scope).')
param azureAdScope string

@description('Months that staff training stays valid (AsTracking__TrainingValidityMonths).')
@minValue(1)
@maxValue(120)
param trainingValidityMonths int

@description('Cost ceiling: the most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of each instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // The runtime version is "10.0", not "10". Checked against the Flex Consumption material:
      // - Microsoft's Flex Consumption quickstart (Azure-Samples/functions-quickstart-dotnet-azd, infra/main.bicep)
      //   sets runtimeName 'dotnet-isolated' with runtimeVersion '8.0': major.minor;
      // - Azure Functions Core Tools issue 4794 shows a working .NET 10 Flex Consumption app whose
      //   functionAppConfig.runtime is { name: 'dotnet-isolated', version: '10.0' }, and the tools' own message
      //   "Flex consumption supports .NET 10.0, 9.0, 8.0";
      // - `az functionapp list-flexconsumption-runtimes` prints "10" in its table column, but the value in
      //   sku.functionAppConfigProperties.runtime.version is "10.0". "10" has been reported to deploy and then
      //   fail to start, so the string is pinned here and asserted by the posture tests.
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Host and app storage: service URIs plus the managed identity; no connection string, no account key.
    AzureWebJobsStorage__blobServiceUri: blobEndpoint
    AzureWebJobsStorage__queueServiceUri: queueEndpoint
    AzureWebJobsStorage__tableServiceUri: tableEndpoint
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Keys (R19): the app reads pupil-kek and pseudonym-hmac-key with Key Vault Secrets User.
    KeyVault__Uri: keyVaultUri
    // Staff authentication (Microsoft.Identity.Web).
    AzureAd__Instance: azureAdInstance
    AzureAd__TenantId: azureAdTenantId
    AzureAd__ClientId: azureAdClientId
    AzureAd__Scope: azureAdScope
    AsTracking__TrainingValidityMonths: string(trainingValidityMonths)
    // Telemetry: the connection string only locates the component; with local auth disabled, ingestion needs
    // the Entra token that the authentication string asks the host to fetch for the app identity.
    APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  }
}

resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

@description('Resource id of the function app.')
output resourceId string = functionApp.id

@description('Name of the function app.')
output name string = functionApp.name

@description('Base URL of the function app.')
output uri string = 'https://${functionApp.properties.defaultHostName}'
