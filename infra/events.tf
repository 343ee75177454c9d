# Two rules: Security Hub findings start the workflow; a schedule runs the
# daily job. Events that cannot be delivered after the retries land in one
# encrypted dead-letter queue, watched by an alarm (monitoring.tf).

resource "aws_cloudwatch_event_rule" "findings" {
  name          = "${var.name_prefix}-findings"
  description   = "Security Hub findings (ASFF and OCSF) of the products and severities in the policy, and findings being closed."
  event_pattern = jsonencode(local.findings_event_pattern)
  tags          = var.tags

  lifecycle {
    # EventBridge rejects a longer pattern only when the rule is created, after part of the
    # deployment has been applied; the provider itself checks only its own limit of 4,096.
    precondition {
      condition     = length(jsonencode(local.findings_event_pattern)) <= var.event_pattern_max_length
      error_message = "The findings rule's event pattern, derived from the policy, is ${length(jsonencode(local.findings_event_pattern))} characters; EventBridge accepts ${var.event_pattern_max_length} here (event_pattern_max_length). Name fewer products or severities in the policy's rules (a rule without products or severities lifts that part of the filter), or raise the EventBridge quota \"Event pattern size\" through Service Quotas (at most 4,096) and set event_pattern_max_length to the new quota."
    }
  }
}

resource "aws_cloudwatch_event_target" "findings" {
  rule     = aws_cloudwatch_event_rule.findings.name
  arn      = aws_sfn_state_machine.findings.arn
  role_arn = aws_iam_role.events.arn

  retry_policy {
    maximum_retry_attempts       = var.event_max_retry_attempts
    maximum_event_age_in_seconds = var.event_max_age_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

# A digest goes out at the daily job's first run at or after its time, so a policy with
# digest rules needs the job at least hourly; it still sweeps at most every 20 hours.
locals {
  schedule_expression = coalesce(var.schedule_expression, length(local.digest_rules) > 0 ? "rate(1 hour)" : "cron(0 6 * * ? *)")
  # rate(1 minute) … rate(60 minutes), rate(1 hour), or a cron() of six fields whose hours field is * or 0/1.
  at_least_hourly = can(regex("^(rate\\((1 minute|([2-9]|[1-5][0-9]|60) minutes|1 hour)\\)|cron\\(\\S+ (\\*|0/1) \\S+ \\S+ \\S+ \\S+\\))$", local.schedule_expression))
}

resource "aws_cloudwatch_event_rule" "daily" {
  name                = "${var.name_prefix}-daily"
  description         = "Runs the sechub-alerts daily job."
  schedule_expression = local.schedule_expression
  tags                = var.tags

  lifecycle {
    precondition {
      condition     = length(local.digest_rules) == 0 || local.at_least_hourly
      error_message = "The policy has digest rules (${join(", ", local.digest_rules)}), and a digest goes out at the daily job's first run at or after its time, so digests need the job to run at least hourly; schedule_expression is ${local.schedule_expression}. Leave schedule_expression unset (rate(1 hour)), or use rate(N minutes) with N at most 60, rate(1 hour), or a cron() whose hours field is * or 0/1. Running hourly costs about $0.24 a month for 10,000 tracked findings ($2.39 for 100,000), almost all of it the hourly tick reading the records (docs/digest.md); the sweep still starts at most every 20 hours."
    }
  }
}

resource "aws_cloudwatch_event_target" "daily" {
  rule = aws_cloudwatch_event_rule.daily.name
  arn  = aws_lambda_function.function["daily"].arn

  retry_policy {
    maximum_retry_attempts       = var.event_max_retry_attempts
    maximum_event_age_in_seconds = var.event_max_age_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name_prefix}-dead-letter"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = 1209600
  tags                      = var.tags
}

resource "aws_sqs_queue_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id
  policy    = data.aws_iam_policy_document.dead_letter.json
}

# Only the two rules of this deployment may drop events here.
data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "EventBridgeDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [local.dead_letter_arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [local.rule_arns["findings"], local.rule_arns["daily"]]
    }
  }
}
