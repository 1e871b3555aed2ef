// Key Vault holding the app's secrets: the API keys of the three roles, the webhook signing (HMAC)
// secret and, when given, the SMTP credentials. Azure RBAC only (no access policies); the app identity
// is Key Vault Secrets User on this vault and nothing more, and the Function App reads the secrets
// through Key Vault references, so no secret value is an app setting.

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags { *: string }

@description('Vault name (3-24 characters).')
@minLength(3)
@maxLength(24)
param name string

@description('Purge protection: a deleted vault and its secrets are kept for the retention period whatever happens (production).')
param enablePurgeProtection bool

@description('Name of the app identity; seeds the role assignment names (known at compile time, unlike its principal id).')
param appIdentityName string

@description('Principal id (object id) of the app identity.')
param appPrincipalId string

@description('Developer principal (object id) that may read the secrets (smoke test); empty for none. main passes it only for development environments.')
param developerPrincipalId string = ''

@description('Principal type of developerPrincipalId.')
@allowed([
  'User'
  'Group'
  'ServicePrincipal'
])
param developerPrincipalType string = 'User'

@secure()
@description('API key of the event-producer role.')
param producerApiKey string

@secure()
@description('API key of the marketer role.')
param marketerApiKey string

@secure()
@description('API key of the ops role.')
param opsApiKey string

@secure()
@description('Key that signs outgoing webhook calls (HMAC).')
param webhookSecret string

@secure()
@description('SMTP user name; empty = no SMTP credentials (the email channel stays on the sandbox or an open relay).')
param smtpUserName string = ''

@secure()
@description('SMTP password.')
param smtpPassword string = ''

var secretsUser = '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    // Purge protection cannot be switched off again once on, so it is only set where asked for.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource producerApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'producer-api-key'
  properties: {
    value: producerApiKey
    contentType: 'text/plain'
  }
}

resource marketerApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'marketer-api-key'
  properties: {
    value: marketerApiKey
    contentType: 'text/plain'
  }
}

resource opsApiKeySecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'ops-api-key'
  properties: {
    value: opsApiKey
    contentType: 'text/plain'
  }
}

resource webhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = {
  parent: vault
  name: 'webhook-secret'
  properties: {
    value: webhookSecret
    contentType: 'text/plain'
  }
}

resource smtpUserNameSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(smtpUserName)) {
  parent: vault
  name: 'smtp-username'
  properties: {
    value: smtpUserName
    contentType: 'text/plain'
  }
}

resource smtpPasswordSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(smtpUserName)) {
  parent: vault
  name: 'smtp-password'
  properties: {
    value: smtpPassword
    contentType: 'text/plain'
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentityName, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource developerSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(developerPrincipalId)) {
  name: guid(vault.id, developerPrincipalId, secretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUser)
    principalId: developerPrincipalId
    principalType: developerPrincipalType
  }
}

output name string = vault.name
