// Linux Function App on the Flex Consumption plan running the PrivateFlows Functions isolated worker
// (functions/PrivateFlows.Functions) on .NET 10: journeys as Durable Functions orchestrations (Azure
// Storage backend through the managed identity), the Service Bus session trigger, HTTP API.
// Every connection is identity-based through the user-assigned managed identity; the secrets are Key
// Vault references, so no app setting carries a key, password or connection string with a secret.

@description('Azure region.')
param location string

@description('Tags for every resource (the azd service tag is added here).')
param tags { *: string }

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

@description('Name of the storage account used as AzureWebJobsStorage (Functions host and Durable Functions task hub).')
param storageAccountName string

@description('URL of the blob container holding the deployment package.')
param deploymentContainerUrl string

@description('Application Insights connection string (it locates the resource; ingestion is authenticated with Entra ID).')
param applicationInsightsConnectionString string

@description('Key Vault holding the API keys, the webhook secret and the SMTP credentials.')
param keyVaultName string

@description('Whether the vault holds SMTP credentials (smtp-username, smtp-password).')
param smtpConfigured bool = false

@description('Service Bus fully qualified namespace, e.g. sb-x.servicebus.windows.net.')
param serviceBusFullyQualifiedNamespace string

@description('Topic customer events arrive on (and POST /api/events sends to).')
param serviceBusTopicName string

@description('Session-enabled subscription the customer-event trigger reads.')
param serviceBusSubscriptionName string

@description('Queue the customer-event trigger sets never-acceptable messages aside in.')
param serviceBusPoisonQueueName string

@description('Cosmos DB account endpoint.')
param cosmosEndpoint string

@description('Cosmos DB database name.')
param cosmosDatabaseName string

@description('.NET version of the isolated worker (Flex Consumption runtime dotnet-isolated).')
@allowed([
  '8.0'
  '9.0'
  '10.0'
])
param dotnetVersion string = '10.0'

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

// A Key Vault reference without a version follows the latest version of the secret (rotation without a redeploy).
func keyVaultReference(vault string, secret string) string => '@Microsoft.KeyVault(VaultName=${vault};SecretName=${secret})'

var smtpSettings = smtpConfigured
  ? {
      PrivateFlows__Channels__Smtp__UserName: keyVaultReference(keyVaultName, 'smtp-username')
      PrivateFlows__Channels__Smtp__Password: keyVaultReference(keyVaultName, 'smtp-password')
    }
  : {}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
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

resource app 'Microsoft.Web/sites@2025-03-01' = {
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
    // Key Vault references resolve as this identity (Key Vault Secrets User on the vault).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
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
        name: 'dotnet-isolated'
        version: dotnetVersion
      }
    }
  }

  // Flex Consumption sets the worker runtime from functionAppConfig.runtime: FUNCTIONS_WORKER_RUNTIME and
  // FUNCTIONS_EXTENSION_VERSION must not be app settings here.
  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(
      {
        // Functions host storage and the Durable Functions task hub (Azure Storage backend), through the identity.
        AzureWebJobsStorage__accountName: storageAccountName
        AzureWebJobsStorage__credential: 'managedidentity'
        AzureWebJobsStorage__clientId: identityClientId
        // Service Bus session trigger ([ServiceBusTrigger(Connection = "ServiceBusConnection")]) and the sender.
        ServiceBusConnection__fullyQualifiedNamespace: serviceBusFullyQualifiedNamespace
        ServiceBusConnection__credential: 'managedidentity'
        ServiceBusConnection__clientId: identityClientId
        // Telemetry; the connection string only locates the resource, ingestion is authenticated with Entra ID.
        APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
        APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
        OTEL_SERVICE_NAME: 'privateflows'
        // DefaultAzureCredential / ManagedIdentityCredential in the worker pick the user-assigned identity.
        AZURE_CLIENT_ID: identityClientId
        // Application settings (the worker binds them as PrivateFlows:*).
        PrivateFlows__Cosmos__Endpoint: cosmosEndpoint
        PrivateFlows__Cosmos__Database: cosmosDatabaseName
        PrivateFlows__Cosmos__CreateContainers: 'false'
        PrivateFlows__ServiceBus__Topic: serviceBusTopicName
        PrivateFlows__ServiceBus__Subscription: serviceBusSubscriptionName
        PrivateFlows__ServiceBus__PoisonQueue: serviceBusPoisonQueueName
        // Secrets: Key Vault references only.
        PrivateFlows__ApiKeys__Producer__0: keyVaultReference(keyVaultName, 'producer-api-key')
        PrivateFlows__ApiKeys__Marketer__0: keyVaultReference(keyVaultName, 'marketer-api-key')
        PrivateFlows__ApiKeys__Ops__0: keyVaultReference(keyVaultName, 'ops-api-key')
        PrivateFlows__Channels__Webhook__Secret: keyVaultReference(keyVaultName, 'webhook-secret')
      },
      smtpSettings
    )
  }
}

// No publishing with basic credentials: deployments authenticate with Entra ID.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
