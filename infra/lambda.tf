# The four functions, built by `npm run build` into dist/lambda/<name>.zip.

resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name_prefix}-${each.key}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
}

resource "aws_lambda_function" "function" {
  for_each = local.functions

  function_name    = "${var.name_prefix}-${each.key}"
  description      = each.value.description
  role             = aws_iam_role.function[each.key].arn
  filename         = "${local.lambda_dist_dir}/${each.key}.zip"
  source_code_hash = fileexists("${local.lambda_dist_dir}/${each.key}.zip") ? filebase64sha256("${local.lambda_dist_dir}/${each.key}.zip") : null
  handler          = "index.handler"
  runtime          = "nodejs22.x"
  architectures    = ["arm64"]
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout

  environment {
    variables = merge(local.common_environment, each.value.environment)
  }

  logging_config {
    log_format = "Text"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = fileexists("${local.lambda_dist_dir}/${each.key}.zip")
      error_message = "${local.lambda_dist_dir}/${each.key}.zip is missing: run `npm ci && npm run build` in the repository first, or set lambda_dist_dir."
    }
    precondition {
      # Lambda allows 4 KB of environment variables in all; the policy is most of it.
      condition     = length(local.policy_json) <= 3500
      error_message = "The policy is ${length(local.policy_json)} characters as JSON; Lambda environment variables allow about 3500 for it. Merge rules or shorten recipient lists."
    }
  }

  # The role's permissions (logs included) must exist before the first invocation.
  depends_on = [aws_iam_role_policy.function]
}

# The daily job is invoked asynchronously by its schedule; an invocation that
# still fails after Lambda's retries goes to the dead-letter queue too.
resource "aws_lambda_function_event_invoke_config" "daily" {
  function_name                = aws_lambda_function.function["daily"].function_name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 21600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.dead_letter.arn
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

resource "aws_lambda_permission" "daily_schedule" {
  statement_id  = "AllowDailySchedule"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.function["daily"].function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.daily.arn
}
