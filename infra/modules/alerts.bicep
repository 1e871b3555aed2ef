// The four alerts ops asked for, all to one action group:
//   dead letters   - Service Bus metric DeadletteredMessages on customer-events > 0
//   poison events  - an input the engine parked as poison (metric privateflows.inputs.processed, result = parked)
//   failed orchestrations - a customer's journey orchestration ended Failed (Durable Functions' own log line)
//   5xx rate       - share of HTTP requests answered 5xx over the window above serverErrorPercent
// The KQL reads the workspace tables Application Insights writes to (AppMetrics, AppTraces, AppRequests);
// the metric and log names are the app's telemetry contract in docs/deploy-azure.md (Observability).

@description('Azure region of the log alerts (metric alerts and action groups are global).')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Prefix of the alert and action group names.')
param namePrefix string

@description('Resource id of the Log Analytics workspace behind Application Insights.')
param logAnalyticsId string

@description('Resource id of the Service Bus namespace.')
param serviceBusNamespaceId string

@description('Topic whose subscriptions\' dead letters raise the alert.')
param topicName string

@description('Queue the customer-event trigger sets never-acceptable messages aside in.')
param poisonQueueName string

@description('E-mail address the alerts go to; empty = alerts fire (portal, Azure Monitor) but notify no one.')
param alertEmail string = ''

@description('Share of HTTP requests answered 5xx (percent) that raises the alert.')
@minValue(1)
@maxValue(100)
param serverErrorPercent int = 5

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: '${namePrefix}-ops'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'pf-ops'
    enabled: true
    emailReceivers: empty(alertEmail)
      ? []
      : [
          {
            name: 'ops'
            emailAddress: alertEmail
            useCommonAlertSchema: true
          }
        ]
  }
}

resource deadLetters 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${namePrefix}-dead-letters'
  location: 'global'
  tags: tags
  properties: {
    description: 'A customer event was dead-lettered on ${topicName}: list it with the ops API (dead letters), fix, requeue.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'deadLetteredMessages'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'DeadletteredMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                topicName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

resource poisonQueue 'Microsoft.Insights/metricAlerts@2026-01-01' = {
  name: '${namePrefix}-poison-queue'
  location: 'global'
  tags: tags
  properties: {
    description: 'A message on ${topicName} could never become a customer event and was set aside in ${poisonQueueName}: read its reason with the ops API (poison) and fix the producer.'
    severity: 2
    enabled: true
    scopes: [
      serviceBusNamespaceId
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    autoMitigate: true
    criteria: {
      'odata.type': 'Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria'
      allOf: [
        {
          name: 'poisonMessages'
          criterionType: 'StaticThresholdCriterion'
          metricNamespace: 'Microsoft.ServiceBus/namespaces'
          metricName: 'ActiveMessages'
          dimensions: [
            {
              name: 'EntityName'
              operator: 'Include'
              values: [
                poisonQueueName
              ]
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          timeAggregation: 'Maximum'
        }
      ]
    }
    actions: [
      {
        actionGroupId: actionGroup.id
      }
    ]
  }
}

var logAlerts = [
  {
    name: 'poison-events'
    description: 'An event or input was parked as poison: read it with the ops API (poison) and retry after a fix.'
    severity: 2
    query: 'AppMetrics | where Name == "privateflows.inputs.processed" and tostring(Properties["result"]) == "parked" | summarize Count = sum(Sum)'
    measure: 'Count'
    threshold: 0
  }
  {
    name: 'failed-orchestrations'
    description: 'A customer journey orchestration failed: find the instance with the ops API and retry or cancel it.'
    severity: 1
    query: 'AppTraces | where tostring(Properties["Category"]) startswith "Host.Triggers.DurableTask" and Message has "(Orchestrator)" and Message has " failed" | summarize Count = count()'
    measure: 'Count'
    threshold: 0
  }
  {
    name: 'http-5xx-rate'
    description: 'More than ${serverErrorPercent}% of HTTP requests were answered 5xx.'
    severity: 1
    query: 'AppRequests | summarize Total = count(), Errors = countif(toint(ResultCode) >= 500) | extend Percent = iff(Total == 0, 0.0, 100.0 * Errors / Total) | project Percent'
    measure: 'Percent'
    threshold: serverErrorPercent
  }
]

resource logAlert 'Microsoft.Insights/scheduledQueryRules@2026-03-01' = [
  for alert in logAlerts: {
    name: '${namePrefix}-${alert.name}'
    location: location
    tags: tags
    properties: {
      description: alert.description
      severity: alert.severity
      enabled: true
      scopes: [
        logAnalyticsId
      ]
      evaluationFrequency: 'PT5M'
      windowSize: 'PT5M'
      autoMitigate: true
      criteria: {
        allOf: [
          {
            query: alert.query
            timeAggregation: 'Maximum'
            metricMeasureColumn: alert.measure
            operator: 'GreaterThan'
            threshold: alert.threshold
            failingPeriods: {
              numberOfEvaluationPeriods: 1
              minFailingPeriodsToAlert: 1
            }
          }
        ]
      }
      actions: {
        actionGroups: [
          actionGroup.id
        ]
      }
    }
  }
]

output actionGroupName string = actionGroup.name
