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

resource "aws_cloudwatch_event_rule" "daily" {
  name                = "${var.name_prefix}-daily"
  description         = "Runs the sechub-alerts daily job."
  schedule_expression = var.schedule_expression
  tags                = var.tags
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
