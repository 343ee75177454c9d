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

resource "aws_sns_topic" "alarms" {
  count = var.alarm_email == null ? 0 : 1

  name              = "sechub-alerts-alarms"
  kms_master_key_id = "alias/aws/sns"
}

resource "aws_sns_topic_subscription" "alarms" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms[0].arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

module "sechub_alerts" {
  source = "../.."

  policy_file         = "${path.module}/policy.yaml"
  state_machine_type  = "EXPRESS"
  log_retention_days  = 30
  schedule_expression = "cron(0 6 * * ? *)"
  alarm_sns_topic_arn = var.alarm_email == null ? null : aws_sns_topic.alarms[0].arn
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
