metadata name = 'Monitoring'
metadata description = 'Log Analytics workspace and workspace-based Application Insights with local (key) authentication disabled (shape of avm/ptn/azd/monitoring).'

import { roleAssigneeType } from 'types.bicep'

@description('Name of the Log Analytics workspace.')
param logAnalyticsName string

@description('Name of the Application Insights component.')
param applicationInsightsName string

@description('Location of both resources.')
param location string

@description('Tags of both resources.')
param tags object = {}

@description('Days the workspace keeps logs, including the Key Vault and storage audit logs.')
@minValue(30)
@maxValue(730)
param retentionInDays int = 90

@description('Identities that send telemetry. They get Monitoring Metrics Publisher on the component, which identity-based (Entra) ingestion requires.')
param metricsPublishers roleAssigneeType[] = []

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
    }
  }
}

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: applicationInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Telemetry is accepted only with an Entra token (APPLICATIONINSIGHTS_AUTHENTICATION_STRING on the app).
    DisableLocalAuth: true
  }
}

resource monitoringMetricsPublisher 'Microsoft.Authorization/roleDefinitions@2022-04-01' existing = {
  scope: subscription()
  name: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource metricsPublisherAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignee in metricsPublishers: {
    scope: applicationInsights
    name: guid(applicationInsights.id, assignee.principalId, monitoringMetricsPublisher.id)
    properties: {
      roleDefinitionId: monitoringMetricsPublisher.id
      principalId: assignee.principalId
      principalType: assignee.principalType
    }
  }
]

@description('Resource id of the Log Analytics workspace, for diagnostic settings.')
output logAnalyticsWorkspaceResourceId string = workspace.id

@description('Name of the Application Insights component.')
output applicationInsightsName string = applicationInsights.name
