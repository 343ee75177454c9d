# The policy file, the document the functions read it from, what its
# destinations, digests and account directory need, and the event pattern of
# the findings rule. The derivations mirror the TypeScript (eventPatternFor in
# src/core/event-pattern.ts; secretNamesOf and topicArnsOf in
# src/core/destinations.ts; isDigestRule in src/core/policy.ts); the Security Hub
# vocabulary comes from generated/security-hub.json. test/infra evaluates both
# sides for the same policies, so change them together.

locals {
  policy = yamldecode(file(var.policy_file))

  # The value of the policy document in the table (dynamodb.tf), as policyOfDocument in
  # src/core/policy-fingerprint.ts reads it: {"policy": …}. The functions validate it at
  # their first invocation and run it only if it hashes to their POLICY_SHA256.
  policy_document_value  = jsonencode({ policy = local.policy })
  policy_document_sha256 = sha256(local.policy_document_value)

  # Destinations by name; each names its secrets in webhook, token, url (when an object)
  # or signing_secret, and an SNS destination its topic.
  destinations = try(local.policy.destinations, {})
  destination_secrets = {
    for name, destination in local.destinations : name => compact([
      try(destination.webhook.secret, null),
      try(destination.token.secret, null),
      try(destination.url.secret, null),
      try(destination.signing_secret.secret, null),
    ])
  }
  secret_names   = sort(distinct(flatten(values(local.destination_secrets))))
  sns_topic_arns = sort(distinct(compact([for destination in values(local.destinations) : try(destination.topic_arn, null) if try(destination.type, null) == "sns"])))

  # Names the policy uses that var.secrets does not map, with the destinations that use each
  # (the policy item's precondition, dynamodb.tf), and names mapped that no destination uses.
  unmapped_secrets     = sort(setsubtract(local.secret_names, keys(var.secrets)))
  unmapped_secret_uses = [for name in local.unmapped_secrets : "${name} (${join(", ", [for destination, names in local.destination_secrets : destination if contains(names, name)])})"]
  unnamed_secrets      = sort(setsubtract(keys(var.secrets), local.secret_names))

  # Rules that collect findings into a digest, which the daily job sends (events.tf).
  digest_rules = [for rule in local.policy.rules : rule.name if try(rule.notify.digest, null) != null]

  # AWS Organizations as the account directory (iam.tf grants its read-only actions).
  organizations_enabled = try(local.policy.organizations.enabled, false) == true

  # Security Hub's detail-types, closed states and OCSF severity names, written once in
  # src/core/security-hub/vocabulary.ts; `npm run build` generates this file from it.
  security_hub          = jsondecode(file("${path.module}/generated/security-hub.json"))
  findings_detail_types = local.security_hub.findings_detail_types
  asff_closed_patterns  = local.security_hub.asff_closed_patterns
  ocsf_closed_patterns  = local.security_hub.ocsf_closed_patterns
  ocsf_severity_names   = local.security_hub.ocsf_severity_names

  # Spelled as the policy validator normalises them: severities upper case, products lower case.
  rule_severities = [for rule in local.policy.rules : [for severity in try(rule.match.severities, []) : upper(severity)]]
  rule_products   = [for rule in local.policy.rules : [for product in try(rule.match.products, []) : lower(product)]]

  # A rule that names no severities matches all of them, so the pattern cannot narrow by
  # severity; likewise for products, where "other" (any non-AWS product) has no ARN to match.
  pattern_severities = anytrue([for list in local.rule_severities : length(list) == 0]) ? [] : sort(distinct(flatten(local.rule_severities)))
  pattern_products   = anytrue([for list in local.rule_products : length(list) == 0 || contains(list, "other")]) ? [] : sort(distinct(flatten(local.rule_products)))

  # An empty filter becomes "the field exists".
  any_value = [{ exists = true }]
  # A product ARN ends in "product/<vendor>/<name>" (ASFF) or "productv2/<vendor>/<name>" (OCSF).
  product_values       = concat([for name in local.pattern_products : { suffix = "/aws/${name}" }], length(local.pattern_products) == 0 ? local.any_value : [])
  asff_severity_values = concat(local.pattern_severities, length(local.pattern_severities) == 0 ? local.any_value : [])
  ocsf_severity_values = concat(flatten([for severity in local.pattern_severities : local.ocsf_severity_names[severity]]), length(local.pattern_severities) == 0 ? local.any_value : [])

  findings_event_pattern = {
    source        = ["aws.securityhub"]
    "detail-type" = local.findings_detail_types
    detail = {
      findings = {
        "$or" = [
          { ProductArn = local.product_values, "$or" = concat([{ Severity = { Label = local.asff_severity_values } }], local.asff_closed_patterns) },
          { metadata = { product = { uid = local.product_values } }, "$or" = concat([{ severity = local.ocsf_severity_values }], local.ocsf_closed_patterns) },
        ]
      }
    }
  }

  # Every address the policy mails (for SES identities while in the sandbox): the addresses
  # in the rules' to, fallback and escalation lists ("owners" and destination names are not
  # addresses) and the owners of the policy's accounts entries. Owners that only
  # Organizations' tags name are not known here.
  recipient_entries = flatten([
    for rule in local.policy.rules : concat(rule.notify.to, try(rule.notify.fallback, []), flatten([for step in try(rule.notify.escalate, []) : step.to]))
  ])
  account_owners = flatten([for entry in values(try(local.policy.accounts, {})) : try(entry.owners, [])])
  recipients     = sort(distinct([for entry in concat(local.recipient_entries, local.account_owners) : entry if strcontains(entry, "@")]))
}
