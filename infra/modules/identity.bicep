// The user-assigned managed identity the Function App (host and custom handler) runs as.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Managed identity name.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
