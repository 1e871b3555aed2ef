// Service Bus namespace (Entra ID only), the topic producers publish customer events to, and the
// session-enabled subscription the ProcessCustomerEvent function reads (SessionId = customer id).

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Namespace name.')
param name string

@description('Topic producers publish CloudEvents to.')
param topicName string

@description('Session-enabled subscription the journey engine consumes.')
param subscriptionName string

@description('Deliveries before a message is dead-lettered (transient failures are retried this many times).')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Principal id (object id) of the app identity.')
param appPrincipalId string

@description('Optional principal (object id) of a developer or pipeline that may also send and receive; empty for none.')
param developerPrincipalId string = ''

@description('Principal type of developerPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
    supportOrdering: true
    maxSizeInMegabytes: 1024
  }
}

resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2024-01-01' = {
  parent: topic
  name: subscriptionName
  properties: {
    requiresSession: true
    lockDuration: 'PT1M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    deadLetteringOnFilterEvaluationExceptions: true
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
  }
}

// Azure Service Bus Data Receiver: the Functions host's session trigger.
resource appReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appPrincipalId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Azure Service Bus Data Sender: the app re-publishes due timers (SessionId = customer id, MessageId = timer id).
resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(namespace.id, appPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource developerSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(namespace.id, developerPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

resource developerReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(namespace.id, developerPrincipalId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  scope: namespace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

// https://<name>.servicebus.windows.net:443/ -> <name>.servicebus.windows.net (cloud-agnostic).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output namespaceName string = namespace.name
output topicName string = topic.name
output subscriptionName string = subscription.name
