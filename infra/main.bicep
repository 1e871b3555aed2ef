// PrivateFlows on Azure (azd layout): a resource group per environment holding Log Analytics +
// Application Insights, host storage, Service Bus (topic customer-events, session subscription
// journeys), Cosmos DB serverless, a user-assigned managed identity and a Flex Consumption Function
// App running the ASP.NET Core app as a custom handler. No keys anywhere: every data-plane access is
// a role assignment for the managed identity, and the outputs are endpoints only.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource (must offer Flex Consumption).')
param location string

@description('Object id of the signed-in developer (azd sets AZURE_PRINCIPAL_ID); granted data access for local runs against Azure. Empty for none.')
param principalId string = ''

@description('Principal type of principalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param principalType string = 'User'

@description('Service Bus deliveries before a customer event is dead-lettered.')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Upper bound of Function App instances.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Application Insights accepts Entra ID authenticated telemetry only.')
param appInsightsDisableLocalAuth bool = true

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = '${abbrs.webSitesFunctions}${resourceToken}'
var deploymentContainerName = 'app-package-${take(resourceToken, 7)}'
var topicName = 'customer-events'
var subscriptionName = 'journeys'
var cosmosDatabaseName = 'privateflows'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
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
    name: '${abbrs.managedIdentityUserAssignedIdentities}${resourceToken}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    applicationInsightsName: '${abbrs.insightsComponents}${resourceToken}'
    appPrincipalId: identity.outputs.principalId
    disableLocalAuth: appInsightsDisableLocalAuth
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
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
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
    appPrincipalId: identity.outputs.principalId
    developerPrincipalId: principalId
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
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    serviceBusFullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
    serviceBusTopicName: serviceBus.outputs.topicName
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    maximumInstanceCount: maximumInstanceCount
  }
}

// Endpoints and locations only: nothing here is a credential.
output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output SERVICE_BUS_FULLY_QUALIFIED_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output SERVICE_BUS_TOPIC string = serviceBus.outputs.topicName
output SERVICE_BUS_SUBSCRIPTION string = serviceBus.outputs.subscriptionName
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
