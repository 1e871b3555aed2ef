// Cosmos DB for NoSQL, serverless, Entra ID only (no account keys). Containers and partition keys
// match the Cosmos store of the journey runtime. The app cannot create containers through data-plane
// RBAC, so they are created here and PrivateFlows__Cosmos__CreateContainers is false in Azure.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Account name.')
param name string

@description('SQL database name.')
param databaseName string

@description('Principal id (object id) of the app identity.')
param appPrincipalId string

@description('Optional principal (object id) of a developer or pipeline that may also read and write data; empty for none.')
param developerPrincipalId string = ''

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
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
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// The customer document (profile, consent, active instances, outbox), replaced with an ETag per step.
resource customers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'customers'
  properties: {
    resource: {
      id: 'customers'
      partitionKey: {
        paths: [
          '/customerId'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Step-by-step history; one partition per customer so export and erase are single-partition operations.
resource history 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'history'
  properties: {
    resource: {
      id: 'history'
      partitionKey: {
        paths: [
          '/customerId'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Timer index partitioned by due-time bucket, so the poller reads a few partitions.
resource timers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'timers'
  properties: {
    resource: {
      id: 'timers'
      partitionKey: {
        paths: [
          '/bucket'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Published journey versions.
resource journeys 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'journeys'
  properties: {
    resource: {
      id: 'journeys'
      partitionKey: {
        paths: [
          '/name'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Events parked as permanently invalid.
resource poison 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = {
  parent: database
  name: 'poison'
  properties: {
    resource: {
      id: 'poison'
      partitionKey: {
        paths: [
          '/customerId'
        ]
        kind: 'Hash'
      }
    }
  }
}

// Cosmos DB Built-in Data Contributor is a data-plane (SQL) role, assigned on the account.
resource appDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = {
  parent: account
  name: guid(account.id, appPrincipalId, '00000000-0000-0000-0000-000000000002')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: appPrincipalId
    scope: account.id
  }
}

resource developerDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = if (!empty(developerPrincipalId)) {
  parent: account
  name: guid(account.id, developerPrincipalId, '00000000-0000-0000-0000-000000000002')
  properties: {
    roleDefinitionId: '${account.id}/sqlRoleDefinitions/00000000-0000-0000-0000-000000000002'
    principalId: developerPrincipalId
    scope: account.id
  }
}

output endpoint string = account.properties.documentEndpoint
output accountName string = account.name
output databaseName string = database.name
