// Linux Function App on the Flex Consumption plan running the PrivateFlows ASP.NET Core app as a
// custom handler (runtime 'custom'). Every connection is identity-based through the user-assigned
// managed identity; no app setting carries a key, password or connection string with a secret.

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added here).')
param tags object

@description('azd service name (azure.yaml) this app implements.')
param serviceName string = 'api'

@description('Flex Consumption plan name.')
param planName string

@description('Function App name.')
param appName string

@description('Resource id of the user-assigned managed identity.')
param identityId string

@description('Client id of the user-assigned managed identity.')
param identityClientId string

@description('Name of the storage account used as AzureWebJobsStorage.')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Service Bus fully qualified namespace, e.g. sb-x.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Topic the app publishes due timers to (the same topic producers publish events to).')
param serviceBusTopicName string

@description('Cosmos DB account endpoint.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('Upper bound of Flex Consumption instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance.')
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
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references (API keys and other secrets, set after provisioning) resolve as this identity.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }

  // Flex Consumption sets the worker runtime from functionAppConfig.runtime: FUNCTIONS_WORKER_RUNTIME and
  // FUNCTIONS_EXTENSION_VERSION must not be app settings here.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: {
      // Functions host storage (timer singleton leases, host state) through the managed identity.
      AzureWebJobsStorage__accountName: storageAccountName
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      // Service Bus trigger (function.json "connection": "ServiceBusConnection").
      ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
      ServiceBusConnection__credential: 'managedidentity'
      ServiceBusConnection__clientId: identityClientId
      // Telemetry; the connection string only locates the resource, ingestion is authenticated with Entra ID.
      APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
      // DefaultAzureCredential in the custom handler picks the user-assigned identity.
      AZURE_CLIENT_ID: identityClientId
      // Application settings (the ASP.NET Core app reads these as PrivateFlows:*).
      PrivateFlows__Store: 'Cosmos'
      PrivateFlows__Cosmos__Endpoint: cosmosEndpoint
      PrivateFlows__Cosmos__Database: cosmosDatabaseName
      PrivateFlows__Cosmos__CreateContainers: 'false'
      PrivateFlows__ServiceBus__Topic: serviceBusTopicName
      OTEL_SERVICE_NAME: 'privateflows'
    }
  }
}

// No publishing with basic credentials: deployments authenticate with Entra ID.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
