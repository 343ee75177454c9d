# Least privilege: one role per function, one for the state machine and one
# for EventBridge. Every statement names the exact resources it needs; the
# only "*" resources are the CloudWatch Logs delivery actions of the state
# machine role, whose APIs offer no resource-level permissions, and the
# read-only Organizations actions of the account directory (below). What the
# policy file uses adds statements: Organizations, the destinations' secrets
# and SNS topics, each only when the policy needs it.

locals {
  # The ARNs in these policies are spelled from the names this module gives its resources
  # (all set in the configuration) rather than read from their computed `arn` attributes:
  # every document is then known when Terraform plans, so `terraform plan` shows each
  # policy in full for review, and test/infra checks them in a plan with the real provider.
  arn_prefix        = "arn:${local.partition}"
  in_account        = "${local.region}:${local.account_id}"
  table_arn         = "${local.arn_prefix}:dynamodb:${local.in_account}:table/${aws_dynamodb_table.findings.name}"
  dead_letter_arn   = "${local.arn_prefix}:sqs:${local.in_account}:${aws_sqs_queue.dead_letter.name}"
  state_machine_arn = "${local.arn_prefix}:states:${local.in_account}:stateMachine:${aws_sfn_state_machine.findings.name}"
  rule_arns = {
    findings = "${local.arn_prefix}:events:${local.in_account}:rule/${aws_cloudwatch_event_rule.findings.name}"
    daily    = "${local.arn_prefix}:events:${local.in_account}:rule/${aws_cloudwatch_event_rule.daily.name}"
  }
  function_arns = {
    for name, function in aws_lambda_function.function : name => "${local.arn_prefix}:lambda:${local.in_account}:function:${function.function_name}"
  }
  # The log streams of each function's own log group.
  log_stream_arns = {
    for name, group in aws_cloudwatch_log_group.function : name => "${local.arn_prefix}:logs:${local.in_account}:log-group:${group.name}:*"
  }

  # Security Hub's finding APIs authorise against the account's hub in this Region.
  # GetFindingsV2 and BatchUpdateFindingsV2 are authorised as securityhub:GetFindings
  # and securityhub:BatchUpdateFindings; there are no separate V2 actions.
  security_hub_arns = [
    "${local.arn_prefix}:securityhub:${local.in_account}:hub/default",
    "${local.arn_prefix}:securityhub:${local.in_account}:hubv2/*",
  ]

  # The secrets the policy's destinations name, where var.secrets keeps them (the policy
  # item's precondition in dynamodb.tf makes sure each is mapped), by service.
  secret_locations    = [for name in local.secret_names : var.secrets[name] if contains(keys(var.secrets), name)]
  secretsmanager_arns = sort(distinct([for arn in local.secret_locations : arn if split(":", arn)[2] == "secretsmanager"]))
  ssm_parameter_arns  = sort(distinct([for arn in local.secret_locations : arn if split(":", arn)[2] == "ssm"]))
  # KMS decrypts and encrypts on the functions' behalf only through the services that keep
  # the secrets and topics, in the Regions of their ARNs (kms:ViaService).
  secrets_via_services = sort(distinct([for arn in local.secret_locations : "${split(":", arn)[2]}.${split(":", arn)[3]}.${local.dns_suffix}"]))
  sns_via_services     = sort(distinct([for arn in local.sns_topic_arns : "sns.${split(":", arn)[3]}.${local.dns_suffix}"]))

  # Statements the function documents take in (source_policy_documents) when the policy needs them.
  organization_documents = local.organizations_enabled ? [data.aws_iam_policy_document.read_organization.json] : []
  delivery_documents     = length(local.secret_locations) + length(local.sns_topic_arns) > 0 ? [data.aws_iam_policy_document.deliver.json] : []

  function_policies = {
    check-record = data.aws_iam_policy_document.check_record.json
    check-age    = data.aws_iam_policy_document.check_age.json
    notify       = data.aws_iam_policy_document.notify.json
    daily        = data.aws_iam_policy_document.daily.json
  }
}

# --- Functions ---------------------------------------------------------------

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name               = "${var.name_prefix}-${each.key}"
  description        = "Runs the ${each.key} function of sechub-alerts."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "${var.name_prefix}-${each.key}"
  role   = aws_iam_role.function[each.key].id
  policy = local.function_policies[each.key]
}

data "aws_iam_policy_document" "check_record" {
  source_policy_documents = local.organization_documents

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_stream_arns["check-record"]]
  }
  statement {
    sid       = "ReadRecords"
    actions   = ["dynamodb:GetItem"]
    resources = [local.table_arn]
  }
  # The account directory caches what Organizations says in the table, as documents
  # org-account and org-ou (src/app/account-directory.ts); check-record writes no others.
  dynamic "statement" {
    for_each = local.organizations_enabled ? [1] : []
    content {
      sid       = "CacheAccountDirectory"
      actions   = ["dynamodb:PutItem"]
      resources = [local.table_arn]
      condition {
        test     = "ForAllValues:StringLike"
        variable = "dynamodb:LeadingKeys"
        values   = ["doc#org-account#*", "doc#org-ou#*"]
      }
    }
  }
}

data "aws_iam_policy_document" "check_age" {
  source_policy_documents = local.organization_documents

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_stream_arns["check-age"]]
  }
  statement {
    sid       = "ReadWriteRecords"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [local.table_arn]
  }
}

data "aws_iam_policy_document" "notify" {
  source_policy_documents = concat(local.organization_documents, local.delivery_documents)

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_stream_arns["notify"]]
  }
  statement {
    sid       = "ReadWriteRecords"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = [local.table_arn]
  }
  statement {
    sid       = "SendAsSender"
    actions   = ["ses:SendEmail"]
    resources = local.ses_identity_arns
    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [local.sender]
    }
  }
  dynamic "statement" {
    for_each = var.write_back ? [1] : []
    content {
      sid       = "WriteBackToSecurityHub"
      actions   = ["securityhub:BatchUpdateFindings"]
      resources = local.security_hub_arns
    }
  }
}

data "aws_iam_policy_document" "daily" {
  source_policy_documents = concat(local.organization_documents, local.delivery_documents)

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [local.log_stream_arns["daily"]]
  }
  statement {
    sid       = "SweepRecords"
    actions   = ["dynamodb:Scan", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [local.table_arn]
  }
  statement {
    sid       = "ReadSecurityHub"
    actions   = ["securityhub:GetFindings"]
    resources = local.security_hub_arns
  }
  dynamic "statement" {
    for_each = var.write_back ? [1] : []
    content {
      sid       = "WriteBackToSecurityHub"
      actions   = ["securityhub:BatchUpdateFindings"]
      resources = local.security_hub_arns
    }
  }
  statement {
    sid       = "SendAsSender"
    actions   = ["ses:SendEmail"]
    resources = local.ses_identity_arns
    condition {
      test     = "StringEquals"
      variable = "ses:FromAddress"
      values   = [local.sender]
    }
  }
  statement {
    sid       = "DeadLetterFailedRuns"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_arn]
  }
}

# The account directory's read-only Organizations requests (src/adapters/organizations/
# organizations-directory.ts: one account at a time; the functions never read the whole
# tree, so ListAccountsForParent and ListOrganizationalUnitsForParent are not granted).
# Accounts, OUs and roots have ARNs that name the management account and the organization
# id, which this module does not know, and ListRoots takes no resource at all, so the
# resource is "*" (Organizations answers only in the management or a delegated administrator account).
data "aws_iam_policy_document" "read_organization" {
  statement {
    sid = "ReadOrganization"
    actions = [
      "organizations:DescribeAccount",
      "organizations:ListParents",
      "organizations:DescribeOrganizationalUnit",
      "organizations:ListTagsForResource",
      "organizations:ListRoots",
    ]
    resources = ["*"]
  }
}

# What notify and daily need to deliver to the policy's destinations besides email: the
# secrets the destinations name, the SNS topics, and the customer managed keys that
# encrypt them, each statement only when there is something to grant.
data "aws_iam_policy_document" "deliver" {
  dynamic "statement" {
    for_each = length(local.secretsmanager_arns) > 0 ? [1] : []
    content {
      sid       = "ReadDestinationSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = local.secretsmanager_arns
    }
  }
  dynamic "statement" {
    for_each = length(local.ssm_parameter_arns) > 0 ? [1] : []
    content {
      sid       = "ReadDestinationParameters"
      actions   = ["ssm:GetParameter"]
      resources = local.ssm_parameter_arns
    }
  }
  dynamic "statement" {
    for_each = length(local.secret_locations) > 0 && length(var.secrets_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "DecryptDestinationSecrets"
      actions   = ["kms:Decrypt"]
      resources = var.secrets_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.secrets_via_services
      }
    }
  }
  dynamic "statement" {
    for_each = length(local.sns_topic_arns) > 0 ? [1] : []
    content {
      sid       = "PublishToTopics"
      actions   = ["sns:Publish"]
      resources = local.sns_topic_arns
    }
  }
  # SNS asks KMS for a data key to encrypt each message it accepts for an encrypted topic.
  dynamic "statement" {
    for_each = length(local.sns_topic_arns) > 0 && length(var.sns_kms_key_arns) > 0 ? [1] : []
    content {
      sid       = "EncryptForTopics"
      actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
      resources = var.sns_kms_key_arns
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = local.sns_via_services
      }
    }
  }
}

# --- State machine -------------------------------------------------------------

data "aws_iam_policy_document" "states_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "state_machine" {
  name               = "${var.name_prefix}-state-machine"
  description        = "Runs the sechub-alerts workflow: invokes its three task functions and logs."
  assume_role_policy = data.aws_iam_policy_document.states_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "state_machine" {
  name   = "${var.name_prefix}-state-machine"
  role   = aws_iam_role.state_machine.id
  policy = data.aws_iam_policy_document.state_machine.json
}

data "aws_iam_policy_document" "state_machine" {
  statement {
    sid     = "InvokeTasks"
    actions = ["lambda:InvokeFunction"]
    resources = [
      local.function_arns["check-record"],
      local.function_arns["check-age"],
      local.function_arns["notify"],
    ]
  }
  # Step Functions sets up log delivery to CloudWatch Logs through these
  # actions, which accept no resource ARN: "*" is the only value AWS allows.
  statement {
    sid = "CloudWatchLogsDelivery"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }
}

# --- EventBridge ---------------------------------------------------------------

data "aws_iam_policy_document" "events_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "events" {
  name               = "${var.name_prefix}-events"
  description        = "Lets the findings rule start the sechub-alerts workflow."
  assume_role_policy = data.aws_iam_policy_document.events_assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy" "events" {
  name   = "${var.name_prefix}-events"
  role   = aws_iam_role.events.id
  policy = data.aws_iam_policy_document.events.json
}

# Sending to the dead-letter queue is granted by the queue's own policy (events.tf).
data "aws_iam_policy_document" "events" {
  statement {
    sid       = "StartWorkflow"
    actions   = ["states:StartExecution"]
    resources = [local.state_machine_arn]
  }
}
