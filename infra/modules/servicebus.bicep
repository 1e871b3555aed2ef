// Service Bus namespace (Entra ID only), the topic producers publish customer events to, and the
// session-enabled subscription the customer-event trigger reads (SessionId = customer id).
// Only customer events travel here: journey timers are Durable timers and ops commands (retry, cancel,
// requeue) go through the ops API to the Durable client, both in the task hub on the storage account,
// where producers hold no role. So nothing a producer sends can pose as a timer or a control message.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Namespace name.')
param name string

@description('Topic producers publish CloudEvents to.')
param topicName string

@description('Session-enabled subscription the journey engine consumes.')
param subscriptionName string

@description('Queue the customer-event trigger sets a message aside in when it can never become a customer event (invalid JSON or CloudEvent, subject not the session id), with the reason as application properties.')
param poisonQueueName string = 'customer-events-poison'

@description('Deliveries before a message is dead-lettered (transient failures are retried this many times).')
@minValue(1)
@maxValue(2000)
param maxDeliveryCount int = 10

@description('Log Analytics workspace the namespace sends its metrics to (backlog and dead letters on the journeys workbook).')
param logAnalyticsId string

@description('Name of the app identity; seeds the role assignment names (known at compile time, unlike its principal id).')
param appIdentityName string

@description('Principal id (object id) of the app identity.')
param appPrincipalId string

@description('Object ids of producer identities (shop, app, CRM service principals or managed identities); each may send to the topic and nothing else.')
param producerPrincipalIds string[] = []

@description('Developer principal (object id) that may send and receive; empty for none. main passes it only for development environments.')
param developerPrincipalId string = ''

@description('Principal type of developerPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

var dataReceiver = '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
var dataSender = '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
var dataOwner = '090c5cfd-751d-490a-894a-3ce6f1109419' // Azure Service Bus Data Owner

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
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

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
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

// Dead letters stay on this subscription's $deadletterqueue (no forwarding): ops list them with their
// reason and requeue one after a fix; the dead-letter alert fires on the first one.
resource subscription 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = {
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

// The ingress copies a message it can never accept here with DeadLetterReason / DeadLetterErrorDescription
// properties, then completes it (the Functions Service Bus extension served for this build cannot
// dead-letter a triggered message with a reason itself). Ops list it (GET /api/poison); the poison alert
// fires on the first one. Producers hold no role on it.
resource poisonQueue 'Microsoft.ServiceBus/namespaces/queues@2026-01-01' = {
  parent: namespace
  name: poisonQueueName
  properties: {
    requiresSession: false
    requiresDuplicateDetection: false
    lockDuration: 'PT1M'
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: false
    defaultMessageTimeToLive: 'P14D'
    enableBatchedOperations: true
    maxSizeInMegabytes: 1024
  }
}

// 2021-05-01-preview is the newest diagnosticSettings version; the 2016-09-01 the linter offers is the
// legacy per-service shape (name 'service', no categories), which cannot express this setting.
#disable-next-line use-recent-api-versions
resource diagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsId
    metrics: [
      {
        category: 'AllMetrics'
        enabled: true
      }
    ]
  }
}

// The app owns its subscription only: receive for the trigger and the dead-letter queue (peek, complete
// on requeue), and Manage on that one entity because the Functions scale controller reads the
// subscription's message count to scale Flex Consumption out (with Receive alone it scales blind and logs
// unauthorized-access warnings). Data Owner here cannot send to the topic or touch any other entity.
resource appSubscriptionOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription.id, appIdentityName, dataOwner)
  scope: subscription
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataOwner)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The app sends to the topic only: POST /api/events in Azure, and a requeued dead letter.
resource appSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(topic.id, appIdentityName, dataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The app on its poison queue: send (ingress sets a bad message aside) and receive (ops peek and remove).
resource appPoisonSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(poisonQueue.id, appIdentityName, dataSender)
  scope: poisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource appPoisonReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(poisonQueue.id, appIdentityName, dataReceiver)
  scope: poisonQueue
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Producers: send on customer-events, nothing else (not the namespace, not the subscription).
resource producerSenders 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for producer in producerPrincipalIds: {
    name: guid(topic.id, producer, dataSender)
    scope: topic
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
      principalId: producer
      principalType: 'ServicePrincipal'
    }
  }
]

resource developerSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(topic.id, developerPrincipalId, dataSender)
  scope: topic
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataSender)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

resource developerReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(subscription.id, developerPrincipalId, dataReceiver)
  scope: subscription
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', dataReceiver)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

// https://<name>.servicebus.windows.net:443/ -> <name>.servicebus.windows.net (cloud-agnostic).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '//')[1], ':')[0]
output namespaceName string = namespace.name
output namespaceId string = namespace.id
output topicName string = topic.name
output subscriptionName string = subscription.name
output poisonQueueName string = poisonQueue.name
