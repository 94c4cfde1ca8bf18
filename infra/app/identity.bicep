metadata name = 'User-assigned managed identity'
metadata description = 'Creates a user-assigned managed identity (shape of avm/res/managed-identity/user-assigned-identity).'

@description('Name of the identity.')
param name string

@description('Location of the identity.')
param location string

@description('Tags of the identity.')
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output resourceId string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Object (principal) id, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id, for DefaultAzureCredential and the AzureWebJobsStorage__clientId setting.')
output clientId string = identity.properties.clientId
