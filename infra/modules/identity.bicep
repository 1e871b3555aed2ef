// The user-assigned managed identity the Function App (Functions host, Durable Functions and the worker) runs as.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Managed identity name.')
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
