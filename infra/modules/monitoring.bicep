// Log Analytics workspace + workspace-based Application Insights.
// Local (instrumentation-key) ingestion is off by default: the app's OpenTelemetry exporter and the
// Functions host authenticate with the managed identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING),
// which needs Monitoring Metrics Publisher.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Log Analytics workspace name.')
param logAnalyticsName string

@description('Application Insights component name.')
param applicationInsightsName string

@description('Name of the app identity; seeds the role assignment names (known at compile time, unlike its principal id).')
param appIdentityName string

@description('Principal id (object id) of the app identity that publishes telemetry.')
param appPrincipalId string

@description('When true, Application Insights accepts only Microsoft Entra authenticated telemetry.')
param disableLocalAuth bool = true

var metricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2025-07-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: disableLocalAuth
  }
}

resource appMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(applicationInsights.id, appIdentityName, metricsPublisher)
  scope: applicationInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', metricsPublisher)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output applicationInsightsName string = applicationInsights.name
// Locates the resource (endpoint + resource id); with local auth off it grants nothing.
output connectionString string = applicationInsights.properties.ConnectionString
output applicationInsightsId string = applicationInsights.id
output logAnalyticsName string = logAnalytics.name
output logAnalyticsId string = logAnalytics.id
