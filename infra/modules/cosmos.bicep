// Cosmos DB for NoSQL, serverless, Entra ID only (no account keys), continuous backup. Containers,
// partition keys and indexing policies are the app's own (CosmosJourneyStore.Containers; the
// infrastructure tests compare the two). The app cannot create containers through data-plane RBAC,
// so they are created here and PrivateFlows__Cosmos__CreateContainers is false in Azure.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Account name.')
param name string

@description('SQL database name.')
param databaseName string

@description('Days a history entry or a poison event is kept (Cosmos DB TTL); customers and journeys are kept until erased.')
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

// Container name, partition key, paths kept out of the index, TTL in seconds (null = no TTL).
var containers = [
  {
    name: 'customers'
    partitionKey: '/customerId'
    notIndexed: ['/doc/*', '/timers/*']
    ttl: null
  }
  {
    name: 'history'
    partitionKey: '/customerId'
    notIndexed: ['/body/?', '/detail/?', '/subject/?', '/address/?']
    ttl: retentionSeconds
  }
  {
    name: 'timers'
    partitionKey: '/bucket'
    notIndexed: []
    ttl: null
  }
  {
    name: 'journeys'
    partitionKey: '/name'
    notIndexed: ['/yaml/?', '/templates/*', '/versions/*']
    ttl: null
  }
  {
    name: 'poison'
    partitionKey: '/customerId'
    notIndexed: ['/body/?', '/reason/?']
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
              c.partitionKey
            ]
            kind: 'Hash'
          }
          indexingPolicy: {
            indexingMode: 'consistent'
            automatic: true
            includedPaths: [
              {
                path: '/*'
              }
            ]
            excludedPaths: concat(map(c.notIndexed, path => { path: path }), [
              {
                path: '/"_etag"/?'
              }
            ])
          }
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
