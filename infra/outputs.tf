output "state_machine_arn" {
  description = "ARN of the workflow that handles each findings event."
  value       = aws_sfn_state_machine.findings.arn
}

output "state_machine_type" {
  description = "EXPRESS or STANDARD, as deployed."
  value       = aws_sfn_state_machine.findings.type
}

output "table_name" {
  description = "Name of the DynamoDB table of tracked findings."
  value       = aws_dynamodb_table.findings.name
}

output "table_arn" {
  description = "ARN of the DynamoDB table of tracked findings."
  value       = aws_dynamodb_table.findings.arn
}

output "function_names" {
  description = "Lambda function names by role: check-record, check-age, notify, daily."
  value       = { for name, function in aws_lambda_function.function : name => function.function_name }
}

output "function_arns" {
  description = "Lambda function ARNs by role: check-record, check-age, notify, daily."
  value       = { for name, function in aws_lambda_function.function : name => function.arn }
}

output "findings_rule_arn" {
  description = "ARN of the EventBridge rule that sends Security Hub findings to the workflow."
  value       = aws_cloudwatch_event_rule.findings.arn
}

output "findings_event_pattern" {
  description = "The event pattern derived from the policy file (JSON), e.g. for `aws events test-event-pattern`."
  value       = aws_cloudwatch_event_rule.findings.event_pattern
}

output "daily_rule_arn" {
  description = "ARN of the EventBridge rule that runs the daily job."
  value       = aws_cloudwatch_event_rule.daily.arn
}

output "daily_schedule_expression" {
  description = "When the daily job runs, as deployed: schedule_expression, or the default for the policy (rate(1 hour) with digest rules, else cron(0 6 * * ? *))."
  value       = aws_cloudwatch_event_rule.daily.schedule_expression
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue of both rules and the daily job."
  value       = aws_sqs_queue.dead_letter.id
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue of both rules and the daily job."
  value       = aws_sqs_queue.dead_letter.arn
}

output "log_group_names" {
  description = "CloudWatch log groups by function name, plus \"state-machine\"."
  value = merge(
    { for name, group in aws_cloudwatch_log_group.function : name => group.name },
    { state-machine = aws_cloudwatch_log_group.state_machine.name },
  )
}

output "sender_identity_arn" {
  description = "ARN of the SES email identity of the policy's sender (verify it through the email SES sends)."
  value       = aws_sesv2_email_identity.sender.arn
}

output "ses_domain_dkim_tokens" {
  description = "With ses_domain: the three Easy DKIM tokens SES generated for the domain (empty without ses_domain)."
  value       = local.dkim_tokens
}

output "ses_domain_dns_records" {
  description = "With ses_domain: the DNS records that verify the domain for SES, a list of {name, type, value}: three CNAMEs <token>._domainkey.<domain> pointing at <token>.dkim.amazonses.com (empty without ses_domain). Create them with your DNS provider, e.g. one aws_route53_record per element with count = 3."
  value       = local.dkim_records
}

output "alarm_arns" {
  description = "CloudWatch alarms: executions_failed, dead_letters, daily_errors."
  value = {
    executions_failed = aws_cloudwatch_metric_alarm.executions_failed.arn
    dead_letters      = aws_cloudwatch_metric_alarm.dead_letters.arn
    daily_errors      = aws_cloudwatch_metric_alarm.daily_errors.arn
  }
}
