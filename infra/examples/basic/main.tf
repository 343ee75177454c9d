# A deployment of sechub-alerts in one account and Region: the Region where
# Security Hub aggregates the findings of every account and Region you want mailed.

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = { Application = "sechub-alerts" }
  }
}

variable "region" {
  description = "Region to deploy to: Security Hub's aggregation Region if findings come from several Regions."
  type        = string
  default     = "eu-west-1"
}

variable "alarm_email" {
  description = "Optional address subscribed to the alarms (it must confirm the subscription). Null creates no topic."
  type        = string
  default     = null
}

# The alarm topic is encrypted with a key of this account. CloudWatch publishes to
# an encrypted topic only when the key policy lets cloudwatch.amazonaws.com use the
# key; the AWS-managed key alias/aws/sns cannot grant that (its policy is fixed), so
# every alarm would fail to notify without a word.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  alarms_enabled   = var.alarm_email != null
  account_id       = data.aws_caller_identity.current.account_id
  alarm_topic_name = "sechub-alerts-alarms"
  # Spelled from its name so the topic policy is known when Terraform plans.
  alarm_topic_arn = "arn:${data.aws_partition.current.partition}:sns:${var.region}:${local.account_id}:${local.alarm_topic_name}"
  # Any CloudWatch alarm of this account in this Region.
  account_alarms = "arn:${data.aws_partition.current.partition}:cloudwatch:${var.region}:${local.account_id}:alarm:*"
}

resource "aws_kms_key" "alarms" {
  count = local.alarms_enabled ? 1 : 0

  description             = "Encrypts the sechub-alerts alarm topic; CloudWatch alarms may use it to publish."
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.alarm_key.json
}

resource "aws_kms_alias" "alarms" {
  count = local.alarms_enabled ? 1 : 0

  name          = "alias/sechub-alerts-alarms"
  target_key_id = aws_kms_key.alarms[0].key_id
}

data "aws_iam_policy_document" "alarm_key" {
  # Without this statement nobody in the account could manage the key. In a key
  # policy "*" means this key.
  statement {
    sid       = "AccountAdministersKey"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchAlarmsUseKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic" "alarms" {
  count = local.alarms_enabled ? 1 : 0

  name              = local.alarm_topic_name
  kms_master_key_id = aws_kms_key.alarms[0].arn
}

resource "aws_sns_topic_policy" "alarms" {
  count = local.alarms_enabled ? 1 : 0

  arn    = aws_sns_topic.alarms[0].arn
  policy = data.aws_iam_policy_document.alarm_topic.json
}

# Only CloudWatch alarms of this account may publish (people and roles of the
# account use the topic through their IAM permissions).
data "aws_iam_policy_document" "alarm_topic" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [local.alarm_topic_arn]
    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }
    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.account_alarms]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_subscription" "alarms" {
  count = local.alarms_enabled ? 1 : 0

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

module "sechub_alerts" {
  source = "../.."

  policy_file         = "${path.module}/policy.yaml"
  state_machine_type  = "EXPRESS"
  log_retention_days  = 30
  alarm_sns_topic_arn = local.alarms_enabled ? aws_sns_topic.alarms[0].arn : null
}

output "state_machine_arn" {
  description = "ARN of the workflow."
  value       = module.sechub_alerts.state_machine_arn
}

output "findings_event_pattern" {
  description = "Event pattern of the findings rule, derived from policy.yaml."
  value       = module.sechub_alerts.findings_event_pattern
}

output "dead_letter_queue_url" {
  description = "Dead-letter queue to watch and redrive."
  value       = module.sechub_alerts.dead_letter_queue_url
}
