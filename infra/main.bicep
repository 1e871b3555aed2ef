// PrivateFlows on Azure (azd layout): a resource group per environment holding Log Analytics +
// Application Insights (alerts, journeys workbook), a Key Vault with the app's secrets, host and task
// hub storage, Service Bus (topic customer-events, session subscription journeys), Cosmos DB serverless
// (the read model), a user-assigned managed identity and a Flex Consumption Function App running the
// .NET 10 isolated worker with Durable Functions. No keys: every data-plane access is a role assignment,
// secrets are Key Vault references, and the outputs are names, endpoints and the identity's client id.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (must offer Flex Consumption).')
param location string

@description('development: the signed-in developer (principalId) gets data roles to run and test against this environment. production: nobody but the app and the producers gets data access.')
@allowed([
  'development'
  'production'
])
param environmentType string = 'production'

@description('Object id of the signed-in developer (azd sets AZURE_PRINCIPAL_ID); data roles only when environmentType is development.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Object ids of the event producers (service principals or managed identities of the shop, app, CRM): send on customer-events only.')
param producerPrincipalIds string[] = []

@description('Service Bus deliveries before a customer event is dead-lettered.')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Days step history and poison events are kept in Cosmos DB (TTL).')
@minValue(1)
@maxValue(3650)
param retentionDays int = 180

@description('Upper bound of Function App instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Application Insights accepts Entra ID authenticated telemetry only.')
param appInsightsDisableLocalAuth bool = true

@description('E-mail address alerts go to; empty = alerts fire without notifying anyone.')
param alertEmail string = ''

@secure()
@description('API key of the event-producer role; azd generates it once per environment.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param producerApiKey string

@secure()
@description('API key of the marketer role; azd generates it once per environment.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param marketerApiKey string

@secure()
@description('API key of the ops role; azd generates it once per environment.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 48
      noSpecial: true
    }
  }
})
param opsApiKey string

@secure()
@description('Key that signs outgoing webhook calls (HMAC); azd generates it once per environment.')
@metadata({
  azd: {
    type: 'generate'
    config: {
      length: 64
      noSpecial: true
    }
  }
})
param webhookSecret string

@secure()
@description('SMTP user name of the email channel; empty = no SMTP credentials.')
param smtpUserName string = ''

@secure()
@description('SMTP password of the email channel.')
param smtpPassword string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var isDevelopment = environmentType == 'development'
// Data roles for the developer exist only in development environments.
var developerPrincipalId = isDevelopment ? principalId : ''
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
var applicationInsightsName = '${abbrs.insightsComponents}${resourceToken}'
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'
var topicName = 'customer-events'
var subscriptionName = 'journeys'
var cosmosDatabaseName = 'privateflows'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourcesResourceGroups}${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: identityName
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: applicationInsightsName
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
    disableLocalAuth: appInsightsDisableLocalAuth
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    enablePurgeProtection: !isDevelopment
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: developerPrincipalId
    developerPrincipalType: principalType
    producerApiKey: producerApiKey
    marketerApiKey: marketerApiKey
    opsApiKey: opsApiKey
    webhookSecret: webhookSecret
    smtpUserName: smtpUserName
    smtpPassword: smtpPassword
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    deploymentContainerName: deploymentContainerName
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    topicName: topicName
    subscriptionName: subscriptionName
    maxDeliveryCount: maxDeliveryCount
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
    producerPrincipalIds: producerPrincipalIds
    developerPrincipalId: developerPrincipalId
    developerPrincipalType: principalType
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    location: location
    tags: tags
    name: '${abbrs.documentDBDatabaseAccounts}${resourceToken}'
    databaseName: cosmosDatabaseName
    retentionDays: retentionDays
    appIdentityName: identityName
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: developerPrincipalId
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    serviceName: 'api'
    planName: '${abbrs.webServerFarms}${resourceToken}'
    appName: functionAppName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultName: keyVault.outputs.name
    smtpConfigured: !empty(smtpUserName)
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopicName: serviceBus.outputs.topicName
    serviceBusSubscriptionName: serviceBus.outputs.subscriptionName
    serviceBusPoisonQueueName: serviceBus.outputs.poisonQueueName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    maximumInstanceCount: maximumInstanceCount
  }
}

module alerts 'modules/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: tags
    namePrefix: 'privateflows-${environmentName}'
    logAnalyticsId: monitoring.outputs.logAnalyticsId
    serviceBusNamespaceId: serviceBus.outputs.namespaceId
    topicName: serviceBus.outputs.topicName
    poisonQueueName: serviceBus.outputs.poisonQueueName
    alertEmail: alertEmail
  }
}

module workbook 'modules/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: tags
    displayName: 'PrivateFlows journeys (${environmentName})'
    logAnalyticsId: monitoring.outputs.logAnalyticsId
  }
}

// Names, endpoints and the identity's client id only: nothing here is a credential.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName
output AZURE_CLIENT_ID string = identity.outputs.clientId
output KEY_VAULT_NAME string = keyVault.outputs.name
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICE_BUS_TOPIC string = serviceBus.outputs.topicName
output SERVICE_BUS_SUBSCRIPTION string = serviceBus.outputs.subscriptionName
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output JOURNEYS_WORKBOOK string = workbook.outputs.name
