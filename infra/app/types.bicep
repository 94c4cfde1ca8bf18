metadata name = 'Shared types'
metadata description = 'Types shared by the AS Tracking modules.'

@export()
@description('A principal that a module grants its fixed, least-privilege roles to. Modules never take a role id.')
type roleAssigneeType = {
  @description('The object (principal) id of the identity.')
  principalId: string

  @description('ServicePrincipal for managed identities and pipelines, User for a person.')
  principalType: 'ServicePrincipal' | 'User' | 'Group'
}
