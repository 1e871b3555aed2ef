// Cosmos DB for NoSQL, serverless, Entra ID only (no account keys), continuous backup. It holds the
// read model the app's activities write (profile, ledger, messages, history, facts). Containers,
// partition keys and indexing policies are the app's own: loaded from the same containers.json the
// app creates them from locally, so the deployed indexing is the one its RU cost model assumes. The app cannot create containers through data-plane RBAC,
// so they are created here and PrivateFlows__Cosmos__CreateContainers is false in Azure.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Account name.')
param name string

@description('SQL database name.')
param databaseName string

@description('Days a step item (history, messages, ledger lines, facts) is kept in the history container (Cosmos DB TTL); customer items, tombstones and anonymised facts are kept until erased.')
@minValue(1)
@maxValue(3650)
param retentionDays int

@description('Name of the app identity; seeds the role assignment names (known at compile time, unlike its principal id).')
param appIdentityName string

@description('Principal id (object id) of the app identity.')
param appPrincipalId string

@description('Developer principal (object id) that may also read and write data; empty for none. main passes it only for development environments.')
param developerPrincipalId string = ''

var retentionSeconds = retentionDays * 24 * 60 * 60
var dataContributor = '00000000-0000-0000-0000-000000000002' // Cosmos DB Built-in Data Contributor

// The app's own container definitions (partition key + indexing policy each).
var definitions = loadJsonContent('../../functions/PrivateFlows.Runtime.Cosmos/containers.json')

// Container name, definition, TTL in seconds (null = no TTL). Poison and timers are not here: journey
// state, timers and parked inputs live in Durable Functions and Service Bus dead letters.
var containers = [
  {
    name: 'customers'
    definition: definitions.customers
    ttl: null
  }
  {
    name: 'history'
    definition: definitions.history
    ttl: retentionSeconds
  }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-10-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    capabilities: [
      {
        name: 'EnableServerless'
      }
    ]
    // Point-in-time restore for the last 7 days (free tier of continuous backup); see docs/deploy-azure.md, Rollback.
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-10-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-10-15' = [
  for c in containers: {
    parent: database
    name: c.name
    properties: {
      resource: union(
        {
          id: c.name
          partitionKey: {
            paths: [
              c.definition.partitionKey
            ]
            kind: 'Hash'
          }
          indexingPolicy: c.definition.indexingPolicy
        },
        c.ttl == null ? {} : { defaultTtl: c.ttl }
      )
    }
  }
]

resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = {
  parent: account
  name: guid(account.id, appIdentityName, dataContributor)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributor}'
    principalId: appPrincipalId
    scope: account.id
  }
}

resource developerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2025-10-15' = if (!empty(developerPrincipalId)) {
  parent: account
  name: guid(account.id, developerPrincipalId, dataContributor)
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/${dataContributor}'
    principalId: developerPrincipalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
output databaseName string = database.name
