// The journeys workbook (Azure Monitor): events/s, sends, conversions, lag, poison - one page for
// marketers and ops, over the Log Analytics workspace Application Insights writes to.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Workbook display name.')
param displayName string

@description('Resource id of the Log Analytics workspace the workbook queries.')
param logAnalyticsId string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'privateflows-journeys-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: displayName
    category: 'workbook'
    sourceId: logAnalyticsId
    serializedData: string(loadJsonContent('../dashboards/journeys.workbook.json'))
  }
}

output name string = workbook.name
